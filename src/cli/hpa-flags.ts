// kube-controller-manager's --horizontal-pod-autoscaler-* flags, read the same way by
// `k8ts controller-manager` (as flags of its own) and by `k8ts server` (as k3s passes them:
// `--kube-controller-manager-arg horizontal-pod-autoscaler-sync-period=5s`).
import type { HpaControllerOptions } from '../controllers/podautoscaler/controller.js';
import { durationFlag } from './flags.js';

type HpaFlagOptions = Pick<HpaControllerOptions, 'syncPeriodMs' | 'downscaleStabilizationMs' | 'tolerance' | 'cpuInitializationPeriodMs' | 'initialReadinessDelayMs'>;

/** Flag name → the option it sets; durations as Go's, the tolerance a non-negative float. */
const DURATIONS = {
  'horizontal-pod-autoscaler-sync-period': 'syncPeriodMs',
  'horizontal-pod-autoscaler-downscale-stabilization': 'downscaleStabilizationMs',
  'horizontal-pod-autoscaler-cpu-initialization-period': 'cpuInitializationPeriodMs',
  'horizontal-pod-autoscaler-initial-readiness-delay': 'initialReadinessDelayMs',
} as const;
const TOLERANCE = 'horizontal-pod-autoscaler-tolerance';

export const HPA_FLAG_NAMES = [...Object.keys(DURATIONS), TOLERANCE] as const;

/** For parseArgs: every HPA flag takes a string value. */
export const HPA_FLAG_OPTIONS = Object.fromEntries(HPA_FLAG_NAMES.map((n) => [n, { type: 'string' as const }])) as Record<(typeof HPA_FLAG_NAMES)[number], { type: 'string' }>;

export const HPA_FLAGS_HELP = `      --horizontal-pod-autoscaler-sync-period D  How often each HPA is synced (default 15s)
      --horizontal-pod-autoscaler-downscale-stabilization D  How far back the highest recommendation holds a scale-down (default 5m0s)
      --horizontal-pod-autoscaler-tolerance F  Ratio of usage to target within which nothing is scaled (default 0.1)
      --horizontal-pod-autoscaler-cpu-initialization-period D  After a pod starts, how long its CPU samples count only from readiness (default 5m0s)
      --horizontal-pod-autoscaler-initial-readiness-delay D  After a pod starts, how long readiness flaps are not held against it (default 30s)
`;

/** The options the given flags set (absent flags left to the controller's defaults); throws a one-line error on a bad value. */
export function hpaFlags(parsed: Readonly<Record<string, unknown>>): HpaFlagOptions | undefined {
  const values = parsed as Partial<Record<string, string>>;
  const out: HpaFlagOptions = {};
  let any = false;
  for (const [flag, option] of Object.entries(DURATIONS)) {
    const ms = durationFlag(flag, values[flag]);
    if (ms === undefined) continue;
    out[option] = ms;
    any = true;
  }
  const tolerance = values[TOLERANCE];
  if (tolerance !== undefined) {
    const n = Number(tolerance);
    if (tolerance.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`invalid argument "${tolerance}" for "--${TOLERANCE}" flag: must be a non-negative number`);
    out.tolerance = n;
    any = true;
  }
  return any ? out : undefined;
}

/**
 * k3s's `--kube-controller-manager-arg KEY=VALUE` (repeatable): the HPA flags. Any other
 * kube-controller-manager flag is refused by name rather than ignored.
 */
export function controllerManagerArgs(args: readonly string[]): HpaFlagOptions | undefined {
  const values: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = (eq < 0 ? arg : arg.slice(0, eq)).replace(/^--/, '');
    if (eq < 0 || !(HPA_FLAG_NAMES as readonly string[]).includes(key)) throw new Error(`unsupported --kube-controller-manager-arg "${arg}" (k8ts takes ${HPA_FLAG_NAMES.map((n) => `${n}=VALUE`).join(', ')})`);
    values[key] = arg.slice(eq + 1);
  }
  return hpaFlags(values);
}
