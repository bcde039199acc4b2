import { localFileStore, type FileStore } from './storage';
import { uploadThingStore } from './uploadthing';

/** UploadThing when UPLOADTHING_TOKEN is set; otherwise files on local disk under UPLOAD_DIR. */
export function storageFromEnv(env: NodeJS.ProcessEnv = process.env): FileStore {
  if (env.UPLOADTHING_TOKEN) return uploadThingStore(env.UPLOADTHING_TOKEN);
  return localFileStore(env.UPLOAD_DIR || '.data/uploads');
}
