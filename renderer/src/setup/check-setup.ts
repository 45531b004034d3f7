import type { LifescoreBridge } from '../../../common/api';

/** The problems to show on the setup screen, or null when the build is configured (or the answer is unclear). */
export async function setupProblems(bridge: LifescoreBridge): Promise<readonly string[] | null> {
  const answer = await bridge.getSetupStatus({}).catch(() => null);
  if (!answer?.ok || answer.data.configured) return null;
  return answer.data.problems;
}
