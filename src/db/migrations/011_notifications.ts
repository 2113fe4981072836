import { sql, type Kysely } from 'kysely'

/**
 * Notifications and the email outbox.
 *
 * notifications: what a person is told in the app (the Notifications page, the count in the header).
 * A reminder carries a dedupe key, unique per person, so nobody is given the same reminder twice.
 * `email` is how it was to be emailed when it was made ('immediate', 'digest' or 'none');
 * `digested_at` is set when a daily summary took it.
 *
 * outbox_messages: every email, written in the same transaction as the change that caused it and
 * delivered by a worker in the app process (claimed with FOR UPDATE SKIP LOCKED, so two processes on
 * one PostgreSQL never send the same message). The link is an app path: the worker puts BASE_URL in
 * front. `dedupe_key` keeps one daily summary per person and day.
 *
 * notification_preferences: a person's choice per kind (critical kinds ignore it).
 * notification_settings: a partnership's reminder timings, counted in working days.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('critical', 'boolean', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text', (c) => c.notNull())
    .addColumn('dedupe_key', 'text')
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('read_at', 'timestamptz')
    .addColumn('digested_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('notifications_person_dedupe')
    .on('notifications')
    .columns(['person_id', 'dedupe_key'])
    .unique()
    .execute()
  await db.schema
    .createIndex('notifications_person_created')
    .on('notifications')
    .columns(['person_id', 'created_at'])
    .execute()
  // The header's unread count on every page: only the unread rows, however long a person's history.
  await db.schema
    .createIndex('notifications_person_unread')
    .on('notifications')
    .column('person_id')
    .where(sql.ref('read_at'), 'is', null)
    .execute()
  // The reminder job looks for notifications waiting for a daily summary every minute.
  await db.schema
    .createIndex('notifications_waiting_digest')
    .on('notifications')
    .column('partnership_id')
    .where(sql<boolean>`email = 'digest' and digested_at is null`)
    .execute()
  await db.schema
    .createTable('outbox_messages')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('person_id', 'uuid', (c) => c.references('people.id'))
    .addColumn('notification_id', 'uuid', (c) => c.references('notifications.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'timestamptz', (c) => c.notNull())
    .addColumn('claimed_until', 'timestamptz')
    .addColumn('last_error', 'text')
    .addColumn('smtp_response', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sent_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('outbox_messages_due')
    .on('outbox_messages')
    .columns(['status', 'next_attempt_at'])
    .execute()
  await db.schema
    .createIndex('outbox_messages_partnership_created')
    .on('outbox_messages')
    .columns(['partnership_id', 'created_at'])
    .execute()
  await db.schema
    .createTable('notification_preferences')
    .addColumn('partnership_id', 'uuid', (c) => c.notNull().references('partnerships.id'))
    .addColumn('person_id', 'uuid', (c) => c.notNull().references('people.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['person_id', 'kind'])
    .execute()
  await db.schema
    .createTable('notification_settings')
    .addColumn('partnership_id', 'uuid', (c) => c.primaryKey().references('partnerships.id'))
    .addColumn('days_before', 'integer', (c) => c.notNull())
    .addColumn('remind_on_the_day', 'boolean', (c) => c.notNull())
    .addColumn('reminder_time', 'text', (c) => c.notNull())
    .addColumn('remind_overdue', 'boolean', (c) => c.notNull())
    .addColumn('approval_wait_days', 'integer', (c) => c.notNull())
    .addColumn('review_warning_days', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'uuid', (c) => c.references('people.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('notification_settings').execute()
  await db.schema.dropTable('notification_preferences').execute()
  await db.schema.dropTable('outbox_messages').execute()
  await db.schema.dropTable('notifications').execute()
}
