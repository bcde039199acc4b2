import { MAX_UPLOAD_BYTES, MAX_UPLOADS_PER_JOB } from '@h2s/db';
import type { PhotoLimits } from '$lib/types';

/** The API's photo limits, for the uploader's hints (the API still enforces them). */
export const photoLimits: PhotoLimits = { maxBytes: MAX_UPLOAD_BYTES, maxCount: MAX_UPLOADS_PER_JOB };
