"""Reminders by email (``vrp reminders send``, meant for a daily cron): spoke leads about returns
due within 14 days or overdue; finance about due diligence expiring and returns awaiting
review. An outbox records every message, so none is sent twice."""
