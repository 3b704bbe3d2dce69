// Schemas of ConfigMap and Secret (core/v1): key/value bags, binary values base64 in JSON.
import { bool, define, mapOf, obj, str, strMap } from '../../schema/dsl.js';
import { apiVersionField, kindField, objectMeta } from '../../schema/meta.js';

const V1 = 'io.k8s.api.core.v1';
const bytes = (description?: string) => str(description, { format: 'byte' });

define(
  `${V1}.ConfigMap`,
  obj(
    {
      apiVersion: apiVersionField(),
      binaryData: mapOf(bytes(), 'Binary values, base64-encoded, keyed like data; a key may not appear in both.'),
      data: strMap('UTF-8 configuration values keyed by names made of alphanumerics, "-", "_" and ".".'),
      immutable: bool('When true, data and binaryData can no longer change; the flag itself can then only be kept.'),
      kind: kindField(),
      metadata: objectMeta(),
    },
    { description: 'ConfigMap holds configuration data for pods to consume.' },
  ),
);

define(
  `${V1}.Secret`,
  obj(
    {
      apiVersion: apiVersionField(),
      data: mapOf(bytes(), 'Secret values, base64-encoded, keyed by names made of alphanumerics, "-", "_" and ".".'),
      immutable: bool('When true, data can no longer change; the flag itself can then only be kept.'),
      kind: kindField(),
      metadata: objectMeta(),
      stringData: strMap('Write-only plain-text values, merged into data on write (overriding keys there) and never returned.'),
      type: str('Type of the secret, which decides the keys data must carry; Opaque by default.'),
    },
    { description: 'Secret holds a small amount of sensitive data such as a password, token or key.' },
  ),
);
