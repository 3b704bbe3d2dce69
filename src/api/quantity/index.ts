// resource.Quantity: parsing, exact arithmetic, canonical strings.
export { Quantity, parseQuantity, isQuantity, cmp, add, sub } from './quantity.js';
export { QuantityError, type QuantityFormat, errFormatWrong, errNumeric, errSuffix } from './scan.js';
