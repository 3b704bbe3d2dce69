// Protocol-buffer field numbers of the storage/v1 messages, from upstream's
// k8s.io/api/storage/v1/generated.proto (checked against the descriptors compiled into kubectl 1.32).
// Only request decoding uses them: see src/api/schema/protobuf-tags.ts for what each table means.
import { defineProtoTags } from '../../schema/protobuf-tags.js';

const P = 'io.k8s.api.storage.v1';

defineProtoTags(`${P}.StorageClass`, {
  metadata: 1, provisioner: 2, parameters: 3, reclaimPolicy: 4, mountOptions: 5, allowVolumeExpansion: 6, volumeBindingMode: 7, allowedTopologies: 8,
});
defineProtoTags(`${P}.StorageClassList`, { metadata: 1, items: 2 });
