// Label selectors: the string form (`-l`), the structured LabelSelector, and matching.
export { SelectorError } from './errors.js';
export { Requirement, type Operator, type Labels } from './requirement.js';
export { type Selector, everything, nothing, selectorFromRequirements, selectorFromSet } from './selector.js';
export { parseSelector } from './parser.js';
export { selectorFromLabelSelector, labelSelectorToString } from './label-selector.js';
