import type { Photo } from '$lib/components/PhotoGallery.svelte';
import { isCode } from '@h2s/server/sveltekit';

/** The job's photos as the viewer may see them; null when not yet (a pro looking at an offer). */
export async function photosFor(api: App.Locals['api'], jobId: string): Promise<Photo[] | null> {
  try {
    const { uploads } = await api.uploads.list({ jobId });
    return uploads.map(({ uploadId, url, thumbnailUrl, originalFilename, mimeType, kind }) => ({
      uploadId,
      url,
      thumbnailUrl,
      originalFilename,
      mimeType,
      kind,
    }));
  } catch (e) {
    if (isCode(e, 'FORBIDDEN') || isCode(e, 'NOT_FOUND')) return null;
    throw e;
  }
}
