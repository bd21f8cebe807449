package io.github.chatlog.viewer;

import tools.jackson.databind.node.ObjectNode;

import java.io.Writer;
import java.util.List;

/**
 * What the viewer shows, read from the log files ({@link FileData}) or from a store ({@link StoreData}) with the code
 * the commands read with. Answers are the API's JSON; an unknown session is an {@link ApiError} 404.
 */
interface ViewerData extends AutoCloseable {

    /** Which sessions to list, and which page of them. */
    record SessionQuery(long from, long to, String model, boolean errorsOnly, boolean lowConfidenceOnly,
                        String idContains, int offset, int limit) {
    }

    /** {@code files} or {@code store}. */
    String kind();

    /** Where the data is, for the page header (a store URL without its parameters, which may hold a password). */
    String location();

    ObjectNode sessions(SessionQuery query) throws Exception;

    /** Whether the session id has a conversation: ids are only ever looked up, never turned into paths. */
    boolean hasSession(String id) throws Exception;

    /**
     * One conversation of a session ({@code conversation} 1 the oldest; null the newest): the conversations of the id,
     * and {@code limit} entries from {@code offset} (or the last {@code limit} when {@code last}).
     */
    ObjectNode conversation(String id, Integer conversation, long offset, int limit, boolean last) throws Exception;

    ObjectNode search(String query, String role, int limit) throws Exception;

    ObjectNode stats() throws Exception;

    /** Writes the export of every conversation, or of one session (and one of its conversations). */
    void export(String format, String session, Integer conversation, Writer out) throws Exception;

    /** The newest {@code n} master-log lines, oldest first, as the live view's first lines. */
    List<ObjectNode> recentLines(int n) throws Exception;

    /** Starts publishing new master-log lines and conversation entries to {@code feed} until it closes. */
    void startLive(LiveFeed feed);

    @Override
    void close();
}
