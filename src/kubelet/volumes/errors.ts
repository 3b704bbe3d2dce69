// Errors the volume manager reports to the kubelet, worded as upstream's kubelet words its
// events, so `kubectl describe pod` reads the same.

/**
 * FailedMount: a volume could not be set up (the kubelet emits a Warning event with this reason
 * and keeps the pod in ContainerCreating). CreateContainerConfigError: a container's mounts could
 * not be prepared (subPath problems, unknown volume), which upstream reports as the container's
 * waiting reason.
 */
export type VolumeErrorReason = 'FailedMount' | 'CreateContainerConfigError';

export class VolumeError extends Error {
  /**
   * Every failure of the call, this one first: setUp tries all volumes so that one event per
   * broken volume can be recorded, as upstream does.
   */
  failures: VolumeError[] = [this];

  constructor(
    readonly reason: VolumeErrorReason,
    message: string,
    /** The pod volume concerned, when there is one. */
    readonly volume?: string,
    /** Host-side detail (paths) for the log only: upstream keeps host layout out of user-visible messages. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'VolumeError';
  }

  /** Upstream's FailedMount event text for one volume. */
  static setUpFailed(volume: string, cause: string): VolumeError {
    return new VolumeError('FailedMount', `MountVolume.SetUp failed for volume "${volume}" : ${cause}`, volume);
  }

  /** Combines several failures into one error whose message is the first one's. */
  static combine(errors: VolumeError[]): VolumeError {
    const first = errors[0]!;
    first.failures = errors;
    return first;
  }
}

/** Error text of a thrown value, for wrapping into a VolumeError. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
