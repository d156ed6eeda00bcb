/** Closes of digests: a delayed job per digest, due when its window ends (or at once when full). */
export const DIGEST_QUEUE = 'digest-close';

export const CLOSE_DIGEST_JOB = 'close-digest';

export interface CloseDigestJobData {
  digestId: string;
}
