// Definitions shared by every group: ObjectMeta, ListMeta, LabelSelector, Time, Quantity, IntOrString …
import { arr, bool, define, int32, int64, keyedList, obj, ref, str, strMap, setList, any, time, mapOf } from './dsl.js';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const objectMeta = (description = "Standard object's metadata.") => ref(`${META}.ObjectMeta`, description);
export const listMeta = (description = "Standard list metadata.") => ref(`${META}.ListMeta`, description);
export const labelSelector = (description?: string) => ref(`${META}.LabelSelector`, description);
export const apiVersionField = () => str('APIVersion defines the versioned schema of this representation of an object.');
export const kindField = () => str('Kind is a string value representing the REST resource this object represents.');
export { mapOf };

define(`${META}.Time`, str('Time is a wrapper around time.Time which supports correct marshaling to YAML and JSON.', { format: 'date-time' }));
define(`${META}.MicroTime`, str('MicroTime is version of Time with microsecond level precision.', { format: 'date-time' }));
define('io.k8s.apimachinery.pkg.api.resource.Quantity', str('Quantity is a fixed-point representation of a number, e.g. 500m, 1Gi, 2e3.', { format: 'quantity' }));
define('io.k8s.apimachinery.pkg.util.intstr.IntOrString', str('IntOrString is a type that can hold an int32 or a string.', { format: 'int-or-string' }));
define('io.k8s.apimachinery.pkg.runtime.RawExtension', any('RawExtension is used to hold extensions in external versions.'));

define(
  `${META}.OwnerReference`,
  obj(
    {
      apiVersion: str('API version of the referent.'),
      kind: str('Kind of the referent.'),
      name: str('Name of the referent.'),
      uid: str('UID of the referent.'),
      controller: bool('If true, this reference points to the managing controller.'),
      blockOwnerDeletion: bool('If true, AND if the owner has the "foregroundDeletion" finalizer, then the owner cannot be deleted from the key-value store until this reference is removed.'),
    },
    { required: ['apiVersion', 'kind', 'name', 'uid'], mapType: 'atomic', description: 'OwnerReference contains enough information to let you identify an owning object.' },
  ),
);

define(
  `${META}.ManagedFieldsEntry`,
  obj(
    {
      apiVersion: str('APIVersion defines the version of this resource that this field set applies to.'),
      fieldsType: str('FieldsType is the discriminator for the different fields format and version.'),
      fieldsV1: any('FieldsV1 holds the first JSON version format as described in the "FieldsV1" type.'),
      manager: str('Manager is an identifier of the workflow managing these fields.'),
      operation: str('Operation is the type of operation which lead to this ManagedFieldsEntry being created.'),
      subresource: str('Subresource is the name of the subresource used to update that object.'),
      time: time('Time is the timestamp of when the ManagedFields entry was added.'),
    },
    { description: 'ManagedFieldsEntry is a workflow-id, a FieldSet and the group version of the resource that the fieldset applies to.' },
  ),
);

define(
  `${META}.ObjectMeta`,
  obj(
    {
      annotations: strMap('Annotations is an unstructured key value map stored with a resource that may be set by external tools to store and retrieve arbitrary metadata.'),
      creationTimestamp: time('CreationTimestamp is a timestamp representing the server time when this object was created.'),
      deletionGracePeriodSeconds: int64('Number of seconds allowed for this object to gracefully terminate before it will be removed from the system.'),
      deletionTimestamp: time('DeletionTimestamp is RFC 3339 date and time at which this resource will be deleted.'),
      finalizers: setList(str(), 'Must be empty before the object is deleted from the registry.'),
      generateName: str('GenerateName is an optional prefix, used by the server, to generate a unique name ONLY IF the Name field has not been provided.'),
      generation: int64('A sequence number representing a specific generation of the desired state.'),
      labels: strMap('Map of string keys and values that can be used to organize and categorize (scope and select) objects.'),
      managedFields: arr(ref(`${META}.ManagedFieldsEntry`), { description: 'ManagedFields maps workflow-id and version to the set of fields that are managed by that workflow.' }),
      name: str('Name must be unique within a namespace.'),
      namespace: str('Namespace defines the space within which each name must be unique.'),
      ownerReferences: keyedList(ref(`${META}.OwnerReference`), 'uid', 'List of objects depended by this object.'),
      resourceVersion: str('An opaque value that represents the internal version of this object.'),
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
      uid: str('UID is the unique in time and space value for this object.'),
    },
    { description: 'ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create.' },
  ),
);

define(
  `${META}.ListMeta`,
  obj(
    {
      continue: str('continue may be set if the user set a limit on the number of items returned.'),
      remainingItemCount: int64('remainingItemCount is the number of subsequent items in the list which are not included in this list response.'),
      resourceVersion: str("String that identifies the server's internal version of this object."),
      selfLink: str('Deprecated: selfLink is a legacy read-only field that is no longer populated by the system.'),
    },
    { description: 'ListMeta describes metadata that synthetic resources must have, including lists and various status objects.' },
  ),
);

define(
  `${META}.LabelSelectorRequirement`,
  obj(
    {
      key: str('key is the label key that the selector applies to.'),
      operator: str("operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist."),
      values: arr(str(), { listType: 'atomic', description: 'values is an array of string values.' }),
    },
    { required: ['key', 'operator'], description: 'A selector requirement: a key, an operator, and the values the operator relates the key to.' },
  ),
);

define(
  `${META}.LabelSelector`,
  obj(
    {
      matchExpressions: arr(ref(`${META}.LabelSelectorRequirement`), { listType: 'atomic', description: 'matchExpressions is a list of label selector requirements. The requirements are ANDed.' }),
      matchLabels: strMap('matchLabels is a map of {key,value} pairs.'),
    },
    { mapType: 'atomic', description: 'A label selector is a label query over a set of resources.' },
  ),
);

define(
  `${META}.Condition`,
  obj(
    {
      lastTransitionTime: time('lastTransitionTime is the last time the condition transitioned from one status to another.'),
      message: str('message is a human readable message indicating details about the transition.'),
      observedGeneration: int64('observedGeneration represents the .metadata.generation that the condition was set based upon.'),
      reason: str("reason contains a programmatic identifier indicating the reason for the condition's last transition."),
      status: str('status of the condition, one of True, False, Unknown.'),
      type: str('type of condition in CamelCase or in foo.example.com/CamelCase.'),
    },
    { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'], description: 'Condition contains details for one aspect of the current state of an API resource.' },
  ),
);



define(
  `${META}.StatusCause`,
  obj({
    field: str('The field of the resource that has caused this error, as named by its JSON serialization.'),
    message: str('A human-readable description of the cause of the error.'),
    reason: str('A machine-readable description of the cause of the error.'),
  }, { description: 'StatusCause provides more information about an API error, such as the field that caused it.' }),
);

define(
  `${META}.StatusDetails`,
  obj({
    causes: arr(ref(`${META}.StatusCause`), { listType: 'atomic', description: 'The Causes array includes more details associated with the StatusReason failure.' }),
    group: str('The group attribute of the resource associated with the status StatusReason.'),
    kind: str('The kind attribute of the resource associated with the status StatusReason.'),
    name: str('The name attribute of the resource associated with the status StatusReason.'),
    retryAfterSeconds: int32('If specified, the time in seconds before the operation should be retried.'),
    uid: str('UID of the resource.'),
  }, { description: 'StatusDetails names the resource a Status is about and lists the causes of a failure.' }),
);

define(
  `${META}.Status`,
  obj(
    {
      apiVersion: apiVersionField(),
      code: int32('Suggested HTTP return code for this status, 0 if not set.'),
      details: ref(`${META}.StatusDetails`, 'Extended data associated with the reason.'),
      kind: kindField(),
      message: str('A human-readable description of the status of this operation.'),
      metadata: listMeta(),
      reason: str('A machine-readable description of why this operation is in the "Failure" status.'),
      status: str('Status of the operation. One of: "Success" or "Failure".'),
    },
    { description: 'Status is a return value for calls that do not return other objects.' },
  ),
);

define(
  `${META}.Preconditions`,
  obj({
    resourceVersion: str('Specifies the target ResourceVersion'),
    uid: str('Specifies the target UID.'),
  }, { description: 'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.' }),
);

define(
  `${META}.DeleteOptions`,
  obj(
    {
      apiVersion: apiVersionField(),
      dryRun: arr(str(), { listType: 'atomic', description: 'When present, indicates that modifications should not be persisted.' }),
      gracePeriodSeconds: int64('The duration in seconds before the object should be deleted.'),
      ignoreStoreReadErrorWithClusterBreakingPotential: bool('if set to true, it will trigger an unsafe deletion of the resource in case the normal deletion flow fails with a corrupt object error.'),
      kind: kindField(),
      orphanDependents: bool('Deprecated: please use the PropagationPolicy.'),
      preconditions: ref(`${META}.Preconditions`, 'Must be fulfilled before a deletion is carried out.'),
      propagationPolicy: str('Whether and how garbage collection will be performed: Orphan, Background or Foreground.'),
    },
    { description: 'DeleteOptions may be provided when deleting an API object.' },
  ),
);

define(`${META}.Patch`, obj({}, { description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.' }));
