/** Output schemas shared by several routers; each is checked against the domain type it returns. */
import { z } from 'zod';
import { JOB_STATUSES, UPLOAD_KINDS, UPLOAD_MIME_TYPES } from '@h2s/db';
import type { JobView, OrderView } from '../domain/job-queries';
import type { Offer } from '../domain/offers';
import type { UploadView } from '../domain/uploads';

export const uploadView = z.object({
  uploadId: z.string(),
  jobId: z.string(),
  url: z.string(),
  fileSize: z.number().int(),
  mimeType: z.enum(UPLOAD_MIME_TYPES),
  sha256: z.string(),
  createdAt: z.string(),
  originalFilename: z.string(),
  thumbnailUrl: z.string().optional(),
  kind: z.enum(UPLOAD_KINDS),
}) satisfies z.ZodType<UploadView>;

export const jobView = z.object({
  jobId: z.string(),
  orderId: z.string(),
  status: z.enum(JOB_STATUSES),
  dueAt: z.string().nullable(),
  timeWindow: z.string().nullable(),
  scheduleDate: z.string().nullable(),
  scheduleTimezone: z.string().nullable(),
  timezone: z.string(),
  city: z.string(),
  state: z.string(),
  postalCode: z.string(),
  equipment: z.array(z.string()),
  bundles: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number().int() })),
  jobDetails: z.string(),
  detailsArePlaceholder: z.boolean(),
  assignedPro: z.object({ id: z.string(), name: z.string() }).nullable(),
  customer: z
    .object({ name: z.string(), phone: z.string(), email: z.string(), addressLine1: z.string(), addressLine2: z.string().nullable() })
    .nullable(),
  photoCount: z.number().int(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  assignedByDispatch: z.boolean().optional(),
  skills: z.array(z.string()),
  widenedAt: z.string().nullable(),
  needsDispatchAt: z.string().nullable(),
  crew: z
    .object({
      size: z.number().int(),
      confirmed: z.number().int(),
      members: z.array(z.object({ proId: z.string(), name: z.string(), seat: z.number().int(), lead: z.boolean() })),
    })
    .optional(),
}) satisfies z.ZodType<JobView>;

export const orderView = z.object({
  orderId: z.string(),
  sessionId: z.string(),
  paymentStatus: z.string(),
  customerName: z.string(),
  customerEmail: z.string(),
  address: z.object({ line1: z.string(), line2: z.string().nullable(), city: z.string(), state: z.string(), postalCode: z.string() }),
  timezone: z.string(),
  items: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number().int(), unitPriceCents: z.number().int() })),
  amountTotalCents: z.number().int(),
  notes: z.string().nullable(),
  schedule: z.object({ date: z.string(), timeWindow: z.string(), timezone: z.string(), dueAt: z.string().nullable() }).nullable(),
  job: jobView.nullable(),
  createdAt: z.string(),
  rescheduleCount: z.number().int(),
  cancelledAt: z.string().nullable(),
  cancellationReason: z.string().nullable(),
  refund: z.object({ status: z.string(), amountCents: z.number().int() }).nullable(),
}) satisfies z.ZodType<OrderView>;

export const orderWithUploads = orderView.extend({ uploads: z.array(uploadView) });

export const offer = z.object({
  jobId: z.string(),
  status: z.enum(['queued', 'scheduled']),
  dueAt: z.string().nullable(),
  timeWindow: z.string().nullable(),
  scheduleDate: z.string().nullable(),
  timezone: z.string(),
  city: z.string(),
  state: z.string(),
  postalCode: z.string(),
  distanceMiles: z.number(),
  score: z.number(),
  breakdown: z.array(
    z.object({ rule: z.enum(['status', 'distanceBand', 'distancePenalty', 'urgency']), points: z.number(), label: z.string() }),
  ),
  bundles: z.array(z.string()),
  equipment: z.array(z.string()),
  hasNotes: z.boolean(),
  createdAt: z.string(),
  reasons: z.array(z.string()).optional(),
  photoCount: z.number().int().optional(),
  outsideUsualArea: z.boolean(),
  awaitingSchedule: z.boolean(),
}) satisfies z.ZodType<Offer>;
