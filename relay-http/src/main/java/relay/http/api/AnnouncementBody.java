package relay.http.api;

import java.util.List;

/**
 * An announcement as POST /api/v1/announcements takes it: {@code {"subject","body","clients"?}};
 * clients are client ids, absent = every registered client. The notices service checks the
 * values (422).
 */
record AnnouncementBody(String subject, String body, List<String> clients) {}
