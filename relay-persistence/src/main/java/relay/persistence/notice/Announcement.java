package relay.persistence.notice;

/**
 * An announcement as queued: its id, how many clients it goes to (one mail each, to that
 * client's contacts only) and how many addresses in all.
 */
public record Announcement(String id, int clients, int recipients) {}
