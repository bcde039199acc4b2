-- Issue 22: a pro taken off a job by reassignment is told by email (kind pro_unassigned).
ALTER TABLE "email_notifications" DROP CONSTRAINT "email_notifications_kind_check";--> statement-breakpoint
ALTER TABLE "email_notifications" ADD CONSTRAINT "email_notifications_kind_check" CHECK (kind in ('order_confirmed', 'scheduled', 'rescheduled', 'pro_assigned', 'on_the_way', 'completed', 'reminder', 'cancelled', 'sign_in_link', 'pro_unassigned'));
