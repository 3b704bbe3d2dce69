// Failures that the user fixes in the pod or its referenced objects, not transient runtime trouble.

/** A container's configuration cannot be built; the kubelet shows Waiting reason CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  override readonly name = 'ContainerConfigError';
}

/** The pod sandbox's configuration cannot be built (bad hostname, FQDN too long); sandbox creation fails. */
export class SandboxConfigError extends Error {
  override readonly name = 'SandboxConfigError';
}
