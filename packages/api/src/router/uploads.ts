import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { uploadIdSchema } from '@h2s/db';
import {
  createUpload,
  isReceivedPhoto,
  listUploads,
  removeUpload,
  StreamedUpload,
  type ReceivedPhoto,
  type UploadTarget,
} from '../domain/uploads';
import { forbidden } from '../domain/errors';
import { uploadView } from './outputs';
import { authedProcedure, checkedOutput, customerProcedure, jobIdInput, sessionIdInput } from '../trpc';

/**
 * The multipart form the photo picker posts: a FormData (server-side callers) or, over HTTP, the
 * same form streamed to disk (StreamedUpload, issue 13). Each missing or malformed field is reported
 * under its own name, so the form can show the message next to it.
 */
const uploadForm = z
  .custom<FormData | StreamedUpload>((value) => value instanceof FormData || value instanceof StreamedUpload, {
    error: 'Send the photo as a multipart form with sessionId and file.',
  })
  .transform((form, ctx): UploadTarget & { file: ReceivedPhoto } => {
    const rawFile = form.get('file');
    // A file that is not one is reported by the branch below, next to its other field.
    if (form.get('kind') === 'after' || form.has('jobId')) {
      const kind = form.get('kind');
      const jobId = jobIdInput.shape.jobId.safeParse(form.get('jobId'));
      if (kind !== 'after')
        ctx.addIssue({ code: 'custom', path: ['kind'], message: 'Photos added by job are after photos (kind=after)', input: kind });
      if (!jobId.success)
        ctx.addIssue({
          code: 'custom',
          path: ['jobId'],
          message: jobId.error.issues[0]?.message ?? 'Not a job id',
          input: form.get('jobId'),
        });
      const file = isReceivedPhoto(rawFile) ? rawFile : null;
      if (!file) ctx.addIssue({ code: 'custom', path: ['file'], message: 'Choose a photo to upload', input: rawFile });
      if (kind !== 'after' || !jobId.success || !file) return z.NEVER;
      return { jobId: jobId.data, kind: 'after', file };
    }
    const rawSessionId = form.get('sessionId');
    const sessionId = typeof rawSessionId === 'string' ? sessionIdInput.safeParse(rawSessionId) : null;
    if (!sessionId?.success) {
      const message = sessionId?.error.issues[0]?.message ?? 'Missing checkout session id';
      ctx.addIssue({ code: 'custom', path: ['sessionId'], message, input: rawSessionId });
    }
    // A text field named "file" is not a file.
    const file = isReceivedPhoto(rawFile) ? rawFile : null;
    if (!file) ctx.addIssue({ code: 'custom', path: ['file'], message: 'Choose a photo to upload', input: rawFile });
    if (!sessionId?.success || !file) return z.NEVER;
    return { sessionId: sessionId.data, file };
  });

export const uploadsRouter = {
  /** Customers: `sessionId`, `file` (before photos). The assigned pro: `jobId`, `kind=after`, `file`. */
  create: authedProcedure
    .input(uploadForm)
    .output(checkedOutput(z.object({ upload: uploadView, duplicate: z.boolean() })))
    .mutation(({ ctx, input }) => {
      if ('sessionId' in input && ctx.viewer.role !== 'customer') throw forbidden('This is for customers only.');
      return createUpload(ctx, { ...input, viewer: ctx.viewer });
    }),
  list: authedProcedure
    .input(jobIdInput)
    .output(checkedOutput(z.object({ uploads: z.array(uploadView), count: z.number().int() })))
    .query(({ ctx, input }) => listUploads(ctx, input.jobId, ctx.viewer)),
  remove: customerProcedure
    .input(z.object({ uploadId: uploadIdSchema }))
    .output(checkedOutput(z.object({ uploadId: z.string(), jobId: z.string(), removed: z.literal(true) })))
    .mutation(({ ctx, input }) => removeUpload(ctx, input.uploadId, ctx.viewer)),
} satisfies TRPCRouterRecord;
