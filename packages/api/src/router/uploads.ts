import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { uploadIdSchema } from '@h2s/db';
import { createUpload, listUploads, removeUpload } from '../domain/uploads';
import { uploadView } from './outputs';
import { authedProcedure, customerProcedure, jobIdInput, sessionIdInput } from '../trpc';

/**
 * The multipart form the photo picker posts. Each missing or malformed field is reported under
 * its own name, so the form can show the message next to it.
 */
const uploadForm = z.instanceof(FormData, { error: 'Send the photo as a multipart form with sessionId and file.' }).transform((form, ctx) => {
  const rawSessionId = form.get('sessionId');
  const rawFile = form.get('file');
  const sessionId = typeof rawSessionId === 'string' ? sessionIdInput.safeParse(rawSessionId) : null;
  if (!sessionId?.success) {
    const message = sessionId?.error.issues[0]?.message ?? 'Missing checkout session id';
    ctx.addIssue({ code: 'custom', path: ['sessionId'], message, input: rawSessionId });
  }
  // A text field named "file" is not a file.
  const file = rawFile instanceof File ? rawFile : null;
  if (!file) ctx.addIssue({ code: 'custom', path: ['file'], message: 'Choose a photo to upload', input: rawFile });
  if (!sessionId?.success || !file) return z.NEVER;
  return { sessionId: sessionId.data, file };
});

export const uploadsRouter = {
  create: customerProcedure
    .input(uploadForm)
    .output(z.object({ upload: uploadView, duplicate: z.boolean() }))
    .mutation(({ ctx, input }) => createUpload(ctx, { sessionId: input.sessionId, file: input.file, viewer: ctx.viewer })),
  list: authedProcedure
    .input(jobIdInput)
    .output(z.object({ uploads: z.array(uploadView), count: z.number().int() }))
    .query(({ ctx, input }) => listUploads(ctx, input.jobId, ctx.viewer)),
  remove: customerProcedure
    .input(z.object({ uploadId: uploadIdSchema }))
    .output(z.object({ uploadId: z.string(), jobId: z.string(), removed: z.literal(true) }))
    .mutation(({ ctx, input }) => removeUpload(ctx, input.uploadId, ctx.viewer)),
} satisfies TRPCRouterRecord;
