import { sql, type SQLWrapper } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  check,
  date,
  doublePrecision,
  foreignKey,
  index,
  customType,
  integer,
  jsonb,
  primaryKey,
  smallint,
  pgTable,
  text,
  time,
  timestamp,
  unique,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { ID_PATTERNS } from './ids';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const createdAt = () => ts('created_at').notNull().defaultNow();

export const USER_ROLES = ['customer', 'pro', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export const JOB_STATUSES = ['queued', 'scheduled', 'accepted', 'en_route', 'in_progress', 'completed', 'cancelled'] as const;
/** Statuses in which a pro holds the job. */
export const ASSIGNED_JOB_STATUSES = ['accepted', 'en_route', 'in_progress', 'completed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * 'seated': a crew seat-holder's own live visit (not the job's assignment); 'seat_completed' once the
 * job is done. The lead's seated row becomes the job's 'accepted' assignment when the crew is complete.
 */
export const ASSIGNMENT_STATES = ['offered', 'accepted', 'released', 'completed', 'seated', 'seat_completed'] as const;
export type AssignmentState = (typeof ASSIGNMENT_STATES)[number];

export const PAYMENT_STATUSES = ['pending', 'paid', 'expired', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** The bookable windows; start hour in the customer's local time. Order matters for display. */
export const TIME_WINDOWS = {
  '9am - 12pm': 9,
  '12pm - 3pm': 12,
  '3pm - 6pm': 15,
} as const;
export type TimeWindow = keyof typeof TIME_WINDOWS;

/** Every window is this long: a scheduled job occupies [due_at, due_at + WINDOW_HOURS). */
export const WINDOW_HOURS = 3;

/** What a bundle needs and a pro can do; a pro is offered only jobs whose every skill they hold. */
export const SKILLS = ['wall-mount', 'in-wall-wiring', 'smart-home', 'security-cameras', 'networking'] as const;
export type Skill = (typeof SKILLS)[number];

/** A job's window as a PostgreSQL range, from an SQL expression for its due_at (null stays null). */
export const jobWindowSql = (dueAt: SQLWrapper) =>
  // tstzrange(null, null) would be the unbounded range, which overlaps everything: an unscheduled job has none.
  sql`(case when ${dueAt} is null then null else tstzrange(${dueAt}, ${dueAt} + make_interval(hours => ${sql.raw(String(WINDOW_HOURS))}), '[)') end)`;

const skillsCheck = (column: string) => sql.raw(`${column} <@ array[${SKILLS.map((s) => `'${s}'`).join(', ')}]::text[]`);

/** PostgreSQL's tstzrange, kept as its text form ('["2026-01-15 18:00:00+00","2026-01-15 21:00:00+00")'). */
const tstzrange = customType<{ data: string }>({ dataType: () => 'tstzrange' });

export const UPLOAD_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/heic'] as const;
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
/** Per kind: a job holds up to 12 customer (before) photos and up to 12 pro (after) photos. */
export const MAX_UPLOADS_PER_JOB = 12;
export const UPLOAD_KINDS = ['before', 'after'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/**
 * Characters that read as nothing: ASCII whitespace, Unicode spaces, zero-width spaces and the BOM.
 * Text made only of these is blank (PostgreSQL's btrim() and [[:space:]] know only ASCII).
 */
export const BLANK_CHARACTERS =
  ' \t\n\r\f\v\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff';
/** The same set as a PostgreSQL escape string, one \uXXXX per character. */
const BLANK_SQL = sql.raw(`E'${[...BLANK_CHARACTERS].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}'`);

export const isBlankText = (text: string | null | undefined): boolean => !text || [...text].every((ch) => BLANK_CHARACTERS.includes(ch));

export const JOB_DETAILS_PLACEHOLDER = 'Customer did not provide installation notes. Contact customer for details before arriving on-site.';

/** A phone number as texts need it (E.164). */
export const E164_PATTERN = /^\+[1-9][0-9]{7,14}$/;
const E164_SQL = '^\\+[1-9][0-9]{7,14}$';

const inList = (column: string, values: readonly string[]) => sql.raw(`${column} in (${values.map((v) => `'${v}'`).join(', ')})`);

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
  equipment: string[];
}

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    /** argon2id PHC string; customers sign in by link and have none. */
    passwordHash: text('password_hash'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('users_email_lower_key').on(sql`lower(${t.email})`),
    check('users_role_check', inList('role', USER_ROLES)),
    check('users_email_check', sql`${t.email} ~ '^[^@\\s]+@[^@\\s]+$'`),
    check('users_staff_password_check', sql`${t.role} = 'customer' or ${t.passwordHash} is not null`),
  ],
);

export const pros = pgTable(
  'pros',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    postalCode: text('postal_code').notNull(),
    city: text('city').notNull(),
    state: text('state').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    timezone: text('timezone').notNull(),
    serviceRadiusMiles: integer('service_radius_miles').notNull(),
    active: boolean('active').notNull().default(true),
    skills: text('skills')
      .array()
      .$type<Skill[]>()
      .notNull()
      .default(sql`'{}'`),
    /** E.164; set when the pro asked for a text about each new job near them. */
    smsOffersPhone: text('sms_offers_phone'),
    createdAt: createdAt(),
  },
  (t) => [
    check('pros_sms_offers_phone_check', sql`${t.smsOffersPhone} ~ ${sql.raw(`'${E164_SQL}'`)}`),
    check('pros_radius_check', sql`${t.serviceRadiusMiles} between 1 and 500`),
    check('pros_skills_check', skillsCheck('skills')),
    check('pros_lat_check', sql`${t.lat} between -90 and 90 and ${t.lng} between -180 and 180`),
  ],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie token: a leaked table cannot be replayed as cookies. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: ts('expires_at').notNull(),
    /**
     * Set: a checkout session's grant, good for this one order only (see auth.checkoutSession).
     * Null: the user's whole account (password sign-in, emailed link).
     */
    scopeOrderId: text('scope_order_id').references(() => orders.id, { onDelete: 'cascade' }),
  },
  (t) => [
    index('sessions_user_idx').on(t.userId),
    index('sessions_scope_order_idx')
      .on(t.scopeOrderId)
      .where(sql`${t.scopeOrderId} is not null`),
    check('sessions_expires_after_created', sql`${t.expiresAt} > ${t.createdAt}`),
  ],
);

/** The background worker's last sign of life, one row per worker process (/readyz reads it). */
export const workerHeartbeats = pgTable(
  'worker_heartbeats',
  {
    worker: text('worker').primaryKey(),
    beatAt: ts('beat_at').notNull().defaultNow(),
  },
  (t) => [check('worker_heartbeats_worker_check', sql`length(${t.worker}) between 1 and 200`)],
);

/** One row per counted attempt (sign-in link requests, failed sign-ins by address); old rows only age out. */
export const rateLimitHits = pgTable(
  'rate_limit_hits',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    bucket: text('bucket').notNull(),
    at: ts('at').notNull(),
  },
  (t) => [
    index('rate_limit_hits_bucket_at_idx').on(t.bucket, t.at),
    check('rate_limit_hits_bucket_not_blank', sql`length(${t.bucket}) > 0`),
  ],
);

export const loginFailures = pgTable(
  'login_failures',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    emailKey: text('email_key').notNull(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('login_failures_email_at_idx').on(t.emailKey, t.at)],
);

/** One-time sign-in links for customers. */
export const signInTokens = pgTable('sign_in_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  createdAt: createdAt(),
});

/** Mail the app sent; in development this is the outbox page, in production a delivery log. */
export const outboundEmails = pgTable('outbound_emails', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  /** Set for notifications: the same key as the email_notifications row it delivers. */
  idempotencyKey: text('idempotency_key').unique('outbound_emails_idempotency_key_key'),
  createdAt: createdAt(),
});

/** The storefront catalog: what a customer can buy, and what a pro must bring for it. */
export const bundles = pgTable(
  'bundles',
  {
    sku: text('sku').primaryKey(),
    name: text('name').notNull(),
    description: text('description').notNull(),
    priceCents: integer('price_cents').notNull(),
    /** What the customer gets, shown on the storefront. */
    items: jsonb('items').$type<string[]>().notNull(),
    /** What the pro brings, copied onto the job. */
    equipment: jsonb('equipment').$type<string[]>().notNull(),
    position: integer('position').notNull().default(0),
    active: boolean('active').notNull().default(true),
    /** What a pro must be able to do to take a job with this bundle. */
    skills: text('skills')
      .array()
      .$type<Skill[]>()
      .notNull()
      .default(sql`'{}'`),
    /** How long the work takes on site, per unit; a job's service time is the sum over its order. */
    durationMinutes: integer('duration_minutes').notNull().default(60),
    /** Pros the work needs at once (a 75" TV on brick: 2). */
    crewSize: smallint('crew_size').notNull().default(1),
  },
  (t) => [
    check('bundles_crew_size_check', sql`${t.crewSize} between 1 and 4`),
    check('bundles_skills_check', skillsCheck('skills')),
    check('bundles_duration_check', sql`${t.durationMinutes} between 5 and 720`),
    check('bundles_sku_check', sql`${t.sku} ~ '^[a-z0-9-]{2,64}$'`),
    check('bundles_price_check', sql`${t.priceCents} > 0`),
  ],
);

export const orders = pgTable(
  'orders',
  {
    id: text('id').primaryKey(),
    stripeSessionId: text('stripe_session_id').notNull().unique('orders_stripe_session_id_key'),
    customerUserId: text('customer_user_id')
      .notNull()
      .references(() => users.id),
    customerName: text('customer_name').notNull(),
    customerEmail: text('customer_email').notNull(),
    customerPhone: text('customer_phone').notNull(),
    addressLine1: text('address_line1').notNull(),
    addressLine2: text('address_line2'),
    city: text('city').notNull(),
    state: text('state').notNull(),
    postalCode: text('postal_code').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    timezone: text('timezone').notNull(),
    items: jsonb('items').$type<OrderItem[]>().notNull(),
    amountTotalCents: integer('amount_total_cents').notNull(),
    currency: text('currency').notNull().default('usd'),
    paymentStatus: text('payment_status', { enum: PAYMENT_STATUSES }).notNull().default('pending'),
    notes: text('notes'),
    scheduleDate: date('schedule_date', { mode: 'string' }),
    scheduleTimeWindow: text('schedule_time_window'),
    scheduleTimezone: text('schedule_timezone'),
    scheduleStatus: text('schedule_status', { enum: ['unscheduled', 'scheduled'] })
      .notNull()
      .default('unscheduled'),
    scheduledAt: ts('scheduled_at'),
    /** Tracking links are an HMAC of the order id and this version; raising it revokes them all. */
    trackingVersion: integer('tracking_version').notNull().default(1),
    paidAt: ts('paid_at'),
    /** Customer reschedules so far (admins' do not count); capped by the reschedule policy. */
    rescheduleCount: integer('reschedule_count').notNull().default(0),
    cancelledAt: ts('cancelled_at'),
    cancellationReason: text('cancellation_reason'),
    /** E.164; set when the customer opted in to texts at checkout. */
    smsPhone: text('sms_phone'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('orders_id_check', sql`${t.id} ~ ${sql.raw(`'${ID_PATTERNS.order.source}'`)}`),
    check('orders_amount_check', sql`${t.amountTotalCents} > 0`),
    check('orders_items_check', sql`jsonb_typeof(${t.items}) = 'array' and jsonb_array_length(${t.items}) > 0`),
    check('orders_payment_status_check', inList('payment_status', PAYMENT_STATUSES)),
    check('orders_paid_at_check', sql`(${t.paymentStatus} = 'paid') = (${t.paidAt} is not null)`),
    check('orders_reschedule_count_check', sql`${t.rescheduleCount} >= 0`),
    check('orders_cancelled_paid_check', sql`${t.cancelledAt} is null or ${t.paymentStatus} = 'paid'`),
    check('orders_time_window_check', inList('schedule_time_window', Object.keys(TIME_WINDOWS))),
    check(
      'orders_schedule_check',
      sql`(${t.scheduleStatus} = 'unscheduled' and ${t.scheduleDate} is null and ${t.scheduleTimeWindow} is null and ${t.scheduleTimezone} is null and ${t.scheduledAt} is null)
       or (${t.scheduleStatus} = 'scheduled' and ${t.scheduleDate} is not null and ${t.scheduleTimeWindow} is not null and ${t.scheduleTimezone} is not null and ${t.scheduledAt} is not null and ${t.paymentStatus} = 'paid')`,
    ),
    index('orders_customer_idx').on(t.customerUserId, t.createdAt),
    check('orders_sms_phone_check', sql`${t.smsPhone} ~ ${sql.raw(`'${E164_SQL}'`)}`),
    unique('orders_id_customer_key').on(t.id, t.customerUserId),
  ],
);

export const dispatchJobs = pgTable(
  'dispatch_jobs',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .unique('dispatch_jobs_order_id_key')
      .references(() => orders.id),
    status: text('status', { enum: JOB_STATUSES }).notNull().default('queued'),
    dueAt: ts('due_at'),
    jobDetails: text('job_details').notNull(),
    lat: doublePrecision('lat').notNull(),
    lng: doublePrecision('lng').notNull(),
    timezone: text('timezone').notNull(),
    city: text('city').notNull(),
    state: text('state').notNull(),
    postalCode: text('postal_code').notNull(),
    equipment: jsonb('equipment').$type<string[]>().notNull().default([]),
    assignedProId: text('assigned_pro_id').references(() => pros.userId),
    /** Every skill of the order's bundles, copied when the job is created. */
    skills: text('skills')
      .array()
      .$type<Skill[]>()
      .notNull()
      .default(sql`'{}'`),
    /** When the job last became open to offers (created, or released back); the widen timer counts from here. */
    openedAt: ts('opened_at').notNull().defaultNow(),
    /** Offered up to 1.5x pros' radius since then; cleared when the job is released again. */
    widenedAt: ts('widened_at'),
    /** Still unclaimed after widening: flagged at the top of the dispatch board. */
    needsDispatchAt: ts('needs_dispatch_at'),
    completedAt: ts('completed_at'),
    completionNotes: text('completion_notes'),
    /** The SEQUENCE of the job's latest calendar invite (RFC 5545): raised on every change. */
    calendarSequence: integer('calendar_sequence').notNull().default(0),
    /**
     * Minutes of work on site: the order's bundles' durations times their quantities, set by the
     * migration's BEFORE INSERT trigger (dispatch_jobs_service_minutes) from order_service_minutes().
     */
    serviceMinutes: integer('service_minutes').notNull().default(60),
    /** Pros the job needs: the largest crew of its bundles (set by a trigger when the job is created). */
    crewSize: smallint('crew_size').notNull().default(1),
    /** Seats claimed so far (a crew job); the claim raises it in one conditional UPDATE. */
    seatsTaken: smallint('seats_taken').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('dispatch_jobs_status_check', inList('status', JOB_STATUSES)),
    check('dispatch_jobs_job_details_check', sql`btrim(${t.jobDetails}, ${BLANK_SQL}) <> ''`),
    check('dispatch_jobs_scheduled_due_check', sql`${t.status} <> 'scheduled' or ${t.dueAt} is not null`),
    check(
      'dispatch_jobs_assignment_check',
      sql`(${t.status} in ('accepted', 'en_route', 'in_progress', 'completed')) = (${t.assignedProId} is not null) or ${t.status} = 'cancelled'`,
    ),
    check('dispatch_jobs_completion_notes_check', sql`length(${t.completionNotes}) <= 2000`),
    check('dispatch_jobs_completed_check', sql`(${t.status} = 'completed') = (${t.completedAt} is not null)`),
    check('dispatch_jobs_service_minutes_check', sql`${t.serviceMinutes} between 5 and 1440`),
    // The offers prefilter: a lat/lng box over open, unassigned jobs only.
    // A GiST index on the point narrows by latitude and longitude at once; a B-tree on (lat, lng)
    // could only narrow by latitude and then read the whole band across the country.
    index('dispatch_jobs_open_location_idx')
      .using('gist', sql`point(${t.lng}, ${t.lat})`)
      .where(sql`${t.status} in ('queued', 'scheduled') and ${t.assignedProId} is null`),
    // Widened jobs also reach 1.5x radius: a small index of their own, so offers scan the larger box only for them.
    index('dispatch_jobs_widened_location_idx')
      .using('gist', sql`point(${t.lng}, ${t.lat})`)
      .where(sql`${t.widenedAt} is not null and ${t.status} in ('queued', 'scheduled') and ${t.assignedProId} is null`),
    index('dispatch_jobs_pro_due_idx').on(t.assignedProId, t.dueAt),
    index('dispatch_jobs_status_created_idx').on(t.status, t.createdAt),
    unique('dispatch_jobs_id_order_key').on(t.id, t.orderId),
    unique('dispatch_jobs_id_crew_size_key').on(t.id, t.crewSize),
    check('dispatch_jobs_crew_size_check', sql`${t.crewSize} between 1 and 4`),
    check('dispatch_jobs_seats_taken_check', sql`${t.seatsTaken} between 0 and ${t.crewSize}`),
  ],
);

export const jobAssignments = pgTable(
  'job_assignments',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id')
      .notNull()
      .references(() => dispatchJobs.id),
    proId: text('pro_id')
      .notNull()
      .references(() => pros.userId),
    state: text('state', { enum: ASSIGNMENT_STATES }).notNull(),
    assignedAt: ts('assigned_at').notNull().defaultNow(),
    /** Null while an assignment dispatch made waits for the pro's acknowledgment; accepting an offer acknowledges it. */
    acknowledgedAt: ts('acknowledged_at').defaultNow(),
    releasedAt: ts('released_at'),
    completedAt: ts('completed_at'),
    /** The job's promised arrival window while this assignment is live (null for an unscheduled job). */
    windowRange: tstzrange('window_range'),
    /** The planned visit of a live assignment of a scheduled job (all null otherwise): arrival, start of work, end. */
    plannedArrival: ts('planned_arrival'),
    plannedStart: ts('planned_start'),
    plannedEnd: ts('planned_end'),
    /** Minutes of driving from the pro's previous stop (or home) to this visit. */
    driveMinutes: integer('drive_minutes'),
    /**
     * [planned_arrival - drive_minutes, planned_end): the visit, travel included. Migration 0010 adds
     * job_assignments_pro_visit_excl, which drizzle cannot declare: EXCLUDE USING gist (pro_id WITH =,
     * visit_range WITH &&) WHERE (state in ('accepted', 'seated')) -- no pro in two places at once (0014: crew seats too).
     */
    visitRange: tstzrange('visit_range'),
    /** The job while the row is 'seated' (else null): ties a seated visit to its seat (migration 0014). */
    seatJobId: text('seat_job_id').generatedAlwaysAs(sql`case when state = 'seated' then job_id end`),
  },
  (t) => [
    unique('job_assignments_job_pro_key').on(t.jobId, t.proId),
    // A seated visit belongs to the pro holding a seat of that job (job_crew_seats is declared below).
    foreignKey({
      name: 'job_assignments_seat_fk',
      columns: [t.seatJobId, t.proId],
      foreignColumns: [jobCrewSeats.jobId, jobCrewSeats.proId],
    }),
    check('job_assignments_state_check', inList('state', ASSIGNMENT_STATES)),
    // At most one live (accepted or completed) assignment per job, whatever the code does.
    uniqueIndex('job_assignments_one_accepted_idx')
      .on(t.jobId)
      .where(sql`${t.state} in ('accepted', 'completed')`),
    index('job_assignments_pro_idx').on(t.proId, t.state),
    check(
      'job_assignments_visit_check',
      sql`(${t.visitRange} is null and ${t.plannedArrival} is null and ${t.plannedStart} is null and ${t.plannedEnd} is null and ${t.driveMinutes} is null)
       or (${t.visitRange} is not null and ${t.plannedArrival} <= ${t.plannedStart} and ${t.plannedStart} < ${t.plannedEnd} and ${t.driveMinutes} >= 0
           and lower(${t.visitRange}) = ${t.plannedArrival} - make_interval(mins => ${t.driveMinutes}) and upper(${t.visitRange}) = ${t.plannedEnd})`,
    ),
  ],
);

export const customerUploads = pgTable(
  'customer_uploads',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id')
      .notNull()
      .references(() => dispatchJobs.id),
    storageKey: text('storage_key').notNull().unique('customer_uploads_storage_key_key'),
    /** Where the store keeps the bytes (UploadThing's URL); local files are served by an authorized route. */
    url: text('url').notNull(),
    fileSize: integer('file_size').notNull(),
    mimeType: text('mime_type').notNull(),
    originalFilename: text('original_filename').notNull(),
    sha256: text('sha256').notNull(),
    uploadedBy: text('uploaded_by')
      .notNull()
      .references(() => users.id),
    /** `before`: the customer's photos of the site; `after`: the pro's proof of the finished work. */
    kind: text('kind', { enum: UPLOAD_KINDS }).notNull().default('before'),
    createdAt: createdAt(),
  },
  (t) => [
    unique('customer_uploads_job_sha256_key').on(t.jobId, t.sha256),
    check('customer_uploads_size_check', sql`${t.fileSize} between 1 and ${sql.raw(String(MAX_UPLOAD_BYTES))}`),
    check('customer_uploads_mime_check', inList('mime_type', UPLOAD_MIME_TYPES)),
    check('customer_uploads_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('customer_uploads_kind_check', inList('kind', UPLOAD_KINDS)),
    check('customer_uploads_filename_check', sql`length(${t.originalFilename}) between 1 and 255`),
  ],
);

/** Each Stripe event id is applied once: the primary key refuses a replay inside the applying transaction. */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  orderId: text('order_id').references(() => orders.id),
  receivedAt: ts('received_at').notNull().defaultNow(),
});

export const JOB_EVENT_TYPES = [
  'created',
  'scheduled',
  'rescheduled',
  'accepted',
  'assigned',
  'reassigned',
  'released',
  'completed',
  'cancelled',
  'photo_added',
  'photo_removed',
  'departed',
  'started',
  'moved_back',
  'reopened',
  'widened',
  'escalated',
  'refunded',
] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

/** Append-only audit trail (a trigger in the migration refuses UPDATE and DELETE). */
export const jobEvents = pgTable(
  'job_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    jobId: text('job_id')
      .notNull()
      .references(() => dispatchJobs.id),
    actorUserId: text('actor_user_id').references(() => users.id),
    actorRole: text('actor_role').notNull(),
    type: text('type', { enum: JOB_EVENT_TYPES }).notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    check('job_events_type_check', inList('type', JOB_EVENT_TYPES)),
    check('job_events_actor_role_check', inList('actor_role', ['customer', 'pro', 'admin', 'system', 'stripe'])),
    index('job_events_job_idx').on(t.jobId, t.id),
  ],
);

export const EMAIL_KINDS = [
  'order_confirmed',
  'scheduled',
  'rescheduled',
  'pro_assigned',
  'on_the_way',
  'completed',
  'reminder',
  'cancelled',
  'sign_in_link',
  /** To a pro whom dispatch took off a job (reassigned, or their crew seat given to another). */
  'pro_unassigned',
] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/**
 * Every message a change causes, written in the change's transaction and sent by the worker.
 * The idempotency key names the change, so one change never causes the same message twice.
 */
export const emailNotifications = pgTable(
  'email_notifications',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull().unique('email_notifications_idempotency_key_key'),
    kind: text('kind', { enum: EMAIL_KINDS }).notNull(),
    /** Null only for account mail (sign-in links). */
    orderId: text('order_id').references(() => orders.id),
    jobId: text('job_id').references(() => dispatchJobs.id),
    /** What the message says that may change later (the slot, the sequence, the reason). */
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    sentAt: ts('sent_at'),
    messageId: text('message_id'),
  },
  (t) => [
    check('email_notifications_kind_check', inList('kind', EMAIL_KINDS)),
    check('email_notifications_order_check', sql`${t.orderId} is not null or ${t.kind} = 'sign_in_link'`),
    check('email_notifications_sent_check', sql`(${t.sentAt} is null) = (${t.messageId} is null)`),
    index('email_notifications_order_idx').on(t.orderId, t.id),
  ],
);

/** Weekly working hours in the pro's own timezone; weekday 1 = Monday ... 7 = Sunday (ISO). */
export const proWorkingHours = pgTable(
  'pro_working_hours',
  {
    proId: text('pro_id')
      .notNull()
      .references(() => pros.userId, { onDelete: 'cascade' }),
    weekday: smallint('weekday').notNull(),
    startsAt: time('starts_at').notNull(),
    endsAt: time('ends_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'pro_working_hours_pkey', columns: [t.proId, t.weekday] }),
    check('pro_working_hours_weekday_check', sql`${t.weekday} between 1 and 7`),
    check('pro_working_hours_span_check', sql`${t.startsAt} < ${t.endsAt}`),
  ],
);

/** Whole days a pro does not work (their local calendar date). */
export const proDaysOff = pgTable(
  'pro_days_off',
  {
    proId: text('pro_id')
      .notNull()
      .references(() => pros.userId, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ name: 'pro_days_off_pkey', columns: [t.proId, t.day] })],
);

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;

/** One refund per order, whatever happens: written in the cancelling transaction, paid out by a queue job. */
export const refunds = pgTable(
  'refunds',
  {
    id: text('id').primaryKey(),
    orderId: text('order_id')
      .notNull()
      .unique('refunds_order_id_key')
      .references(() => orders.id),
    amountCents: integer('amount_cents').notNull(),
    status: text('status', { enum: REFUND_STATUSES }).notNull().default('pending'),
    mode: text('mode', { enum: ['stripe', 'test'] }).notNull(),
    stripeRefundId: text('stripe_refund_id'),
    reason: text('reason'),
    requestedBy: text('requested_by').references(() => users.id),
    createdAt: createdAt(),
    refundedAt: ts('refunded_at'),
  },
  (t) => [
    check('refunds_amount_check', sql`${t.amountCents} > 0`),
    check('refunds_status_check', inList('status', REFUND_STATUSES)),
    check('refunds_mode_check', sql`${t.mode} in ('stripe', 'test')`),
    check('refunds_succeeded_check', sql`(${t.status} = 'succeeded') = (${t.refundedAt} is not null)`),
  ],
);

/** A job's one rating, from its order's customer (the composite keys hold both), changeable for a while. */
export const jobRatings = pgTable(
  'job_ratings',
  {
    jobId: text('job_id').primaryKey(),
    orderId: text('order_id').notNull(),
    customerUserId: text('customer_user_id').notNull(),
    /** The pro who led the visit. */
    proId: text('pro_id')
      .notNull()
      .references(() => pros.userId),
    stars: smallint('stars').notNull(),
    comment: text('comment'),
    createdAt: createdAt(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: 'job_ratings_job_order_fk',
      columns: [t.jobId, t.orderId],
      foreignColumns: [dispatchJobs.id, dispatchJobs.orderId],
    }),
    foreignKey({
      name: 'job_ratings_order_customer_fk',
      columns: [t.orderId, t.customerUserId],
      foreignColumns: [orders.id, orders.customerUserId],
    }),
    check('job_ratings_stars_check', sql`${t.stars} between 1 and 5`),
    check('job_ratings_comment_check', sql`length(${t.comment}) between 1 and 1000`),
    index('job_ratings_pro_idx').on(t.proId, t.updatedAt),
  ],
);

export const SMS_KINDS = ['scheduled', 'rescheduled', 'reminder', 'on_the_way', 'completed', 'new_offer'] as const;
export type SmsKind = (typeof SMS_KINDS)[number];

/**
 * Every text a change causes (the outbox, like email_notifications): written in the change's
 * transaction by enqueue_sms() (migration 0012), sent once by the worker (tasks/sms.ts).
 */
export const smsMessages = pgTable(
  'sms_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    idempotencyKey: text('idempotency_key').notNull().unique('sms_messages_idempotency_key_key'),
    kind: text('kind', { enum: SMS_KINDS }).notNull(),
    toPhone: text('to_phone').notNull(),
    orderId: text('order_id').references(() => orders.id),
    jobId: text('job_id').references(() => dispatchJobs.id),
    proId: text('pro_id').references(() => pros.userId),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
    /** Set just before the provider is called, only while the number has not opted out. */
    attemptedAt: ts('attempted_at'),
    sentAt: ts('sent_at'),
    providerSid: text('provider_sid'),
    /** What was sent (rendered when sent, like email). */
    body: text('body'),
    suppressedAt: ts('suppressed_at'),
    suppressedReason: text('suppressed_reason'),
  },
  (t) => [
    check('sms_messages_kind_check', inList('kind', SMS_KINDS)),
    check('sms_messages_to_phone_check', sql`${t.toPhone} ~ ${sql.raw(`'${E164_SQL}'`)}`),
    check(
      'sms_messages_sent_check',
      sql`(${t.sentAt} is null) = (${t.providerSid} is null) and (${t.sentAt} is null or (${t.attemptedAt} is not null and ${t.body} is not null))`,
    ),
    check('sms_messages_sent_or_suppressed_check', sql`${t.sentAt} is null or ${t.suppressedAt} is null`),
    check('sms_messages_suppressed_check', sql`(${t.suppressedAt} is null) = (${t.suppressedReason} is null)`),
    index('sms_messages_to_phone_idx').on(t.toPhone, t.id),
  ],
);

/** Numbers that replied STOP (or a synonym); START removes the row. enqueue_sms() and the sender skip them. */
export const smsOptOuts = pgTable(
  'sms_opt_outs',
  {
    phone: text('phone').primaryKey(),
    optedOutAt: ts('opted_out_at').notNull(),
    keyword: text('keyword').notNull(),
  },
  (t) => [check('sms_opt_outs_phone_check', sql`${t.phone} ~ ${sql.raw(`'${E164_SQL}'`)}`)],
);

/** Inbound texts by Twilio's MessageSid: a redelivered webhook is applied once. */
export const smsInbound = pgTable(
  'sms_inbound',
  {
    messageSid: text('message_sid').primaryKey(),
    fromPhone: text('from_phone').notNull(),
    body: text('body').notNull(),
    action: text('action', { enum: ['stop', 'start', 'help', 'other'] }).notNull(),
    receivedAt: ts('received_at').notNull().defaultNow(),
  },
  () => [check('sms_inbound_action_check', inList('action', ['stop', 'start', 'help', 'other']))],
);

/** Who holds which seat of a crew job: never more seats than its crew size, never one pro twice. Seat 1 leads. */
export const jobCrewSeats = pgTable(
  'job_crew_seats',
  {
    id: text('id').primaryKey(),
    jobId: text('job_id').notNull(),
    crewSize: smallint('crew_size').notNull(),
    seat: smallint('seat').notNull(),
    proId: text('pro_id')
      .notNull()
      .references(() => pros.userId),
    claimedAt: ts('claimed_at').notNull(),
    /** Set when dispatch put the pro in the seat. */
    assignedBy: text('assigned_by').references(() => users.id),
  },
  (t) => [
    foreignKey({ name: 'job_crew_seats_job_fk', columns: [t.jobId, t.crewSize], foreignColumns: [dispatchJobs.id, dispatchJobs.crewSize] }),
    check('job_crew_seats_seat_check', sql`${t.seat} between 1 and ${t.crewSize}`),
    unique('job_crew_seats_job_seat_key').on(t.jobId, t.seat),
    unique('job_crew_seats_job_pro_key').on(t.jobId, t.proId),
    index('job_crew_seats_pro_idx').on(t.proId),
  ],
);

export type Refund = typeof refunds.$inferSelect;
export type Bundle = typeof bundles.$inferSelect;
export type Order = typeof orders.$inferSelect;
export type DispatchJob = typeof dispatchJobs.$inferSelect;
export type JobAssignment = typeof jobAssignments.$inferSelect;
export type CustomerUpload = typeof customerUploads.$inferSelect;
export type EmailNotification = typeof emailNotifications.$inferSelect;
export type User = typeof users.$inferSelect;
export type Pro = typeof pros.$inferSelect;

/** "Tell me when you serve my area": checkouts refused for coverage, where to recruit next. */
export const serviceRequests = pgTable(
  'service_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    email: text('email').notNull(),
    postalCode: text('postal_code').notNull(),
    city: text('city').notNull(),
    state: text('state').notNull(),
    skills: text('skills')
      .array()
      .notNull()
      .default(sql`'{}'`),
    createdAt: createdAt(),
    notifiedAt: ts('notified_at'),
  },
  (t) => [
    unique('service_requests_email_postal_code_key').on(t.email, t.postalCode),
    check('service_requests_postal_code_check', sql`${t.postalCode} ~ '^[0-9]{5}$'`),
    check('service_requests_email_check', sql`length(${t.email}) between 3 and 254 and position('@' in ${t.email}) > 1`),
    index('service_requests_postal_code_idx').on(t.postalCode),
  ],
);
