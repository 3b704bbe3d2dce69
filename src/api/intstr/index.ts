// IntOrString values and percentage scaling.
export {
  type IntOrString,
  IntOrStringError,
  scaledValueFromIntOrPercent,
  intValue,
  percentValue,
  validateIntOrPercent,
  validateNotMoreThan100Percent,
} from './intstr.js';
