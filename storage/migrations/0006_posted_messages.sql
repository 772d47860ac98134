-- 0006_posted_messages: a click on a question's buttons is checked against
-- the messages the bot posted (storage.WasPosted): the channel's post
-- history, whose key serves it already, and the ts that kits and daily
-- claims record first. These indexes find those by ts, so a vote costs an
-- index probe, not a scan of every kit and daily post.
CREATE INDEX kit_items_by_reply ON kit_items (team_id, reply_ts) WHERE reply_ts <> '';
CREATE INDEX daily_posts_by_message ON daily_posts (team_id, message_ts) WHERE message_ts <> '';
