// Field selectors (`--field-selector`): parsing, matching, canonical strings.
export { SelectorError } from '../labels/errors.js';
export { escapeValue, unescapeValue } from './escape.js';
export { type FieldSelector, type FieldRequirement, type FieldGetter, parseFieldSelector, fieldSelectorFromSet, requiresExactMatch } from './selector.js';
