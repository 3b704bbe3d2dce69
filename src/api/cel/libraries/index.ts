// The function libraries every Kubernetes CEL environment has: cel-go's string extensions plus
// Kubernetes' own (lists, regex, URLs, quantities). `authorizer` comes with the admission layer.
import type { CelFunc } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { listsLibrary } from './lists.js';
import { quantityLibrary } from './quantity.js';
import { regexLibrary } from './regex.js';
import { urlsLibrary } from './urls.js';

export const kubernetesLibraries: readonly CelFunc[] = [...strings, ...listsLibrary, ...regexLibrary, ...urlsLibrary, ...quantityLibrary];
