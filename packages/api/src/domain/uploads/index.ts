/**
 * Customer and pro photos (split by concern, issue 13): sniffing the bytes (sniff), names and
 * Content-Disposition (names), signed URLs (signing), adding (create), taking back (remove) and the
 * API's views (views). Serving the bytes over HTTP is packages/api/src/http/uploads.ts.
 */
export { detectImageType, NOT_AN_IMAGE_MESSAGE, type ImageType } from './sniff';
export { contentDisposition, displayFilename, downloadName, extOf, uploadStorageKey } from './names';
export { signUploadUrl, UPLOAD_URL_TTL_SECONDS, verifyUploadSignature } from './signing';
export { listUploads, uploadViewsForJob, uploadViewsForJobs, type UploadMimeType, type UploadView } from './views';
export { AFTER_LIMIT_MESSAGE, createUpload, UPLOAD_LIMIT_MESSAGE, type CreateUploadResult, type UploadTarget } from './create';
export { removeUpload, type RemoveUploadResult } from './remove';
export { isReceivedPhoto, PHOTO_HEAD_BYTES, StagedPhotoFile, StreamedUpload, type ReceivedPhoto, type StagedPhoto } from './received';
