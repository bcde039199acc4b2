import type { Photo } from '$lib/components/PhotoGallery.svelte';
import { isTrpcCode } from './errors';

/** The job's photos as the viewer may see them; null when not yet (a pro looking at an offer). */
export async function photosFor(api: App.Locals['api'], jobId: string): Promise<Photo[] | null> {
  try {
    const { uploads } = await api.uploads.list({ jobId });
    return uploads.map(({ uploadId, url, originalFilename, mimeType, kind }) => ({ uploadId, url, originalFilename, mimeType, kind }));
  } catch (e) {
    if (isTrpcCode(e, 'FORBIDDEN') || isTrpcCode(e, 'NOT_FOUND')) return null;
    throw e;
  }
}
