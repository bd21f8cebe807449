package io.github.chatlog.viewer;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET /api/events}: server-sent events, {@code line} for each new master-log line and {@code entry} for each
 * new conversation entry, from the moment the stream opens ({@code ?backlog=N} first sends the newest N lines). A
 * comment every {@value #PING_MS} ms finds streams whose reader went away.
 */
final class EventStream {

    /** How long a stream may be silent before a keep-alive comment: {@value} ms. */
    static final long PING_MS = 15_000;

    private EventStream() {
    }

    static void serve(HttpExchange ex, QueryString q, LiveFeed feed, ViewerData data) throws Exception {
        int backlog = (int) q.number("backlog", 0, 0, 1_000);
        LiveFeed.Subscriber s = feed.subscribe();
        if (s == null) {
            throw new ApiError(503, "too many live streams are open (" + LiveFeed.MAX_STREAMS + ")");
        }
        try {
            Headers h = ex.getResponseHeaders();
            h.set("Content-Type", "text/event-stream; charset=utf-8");
            h.set("Cache-Control", "no-store");
            h.set("X-Accel-Buffering", "no"); // a proxy in front passes events on at once
            ViewerHandler.SECURITY.forEach(h::set);
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            out.write("retry: 2000\n\n".getBytes(StandardCharsets.UTF_8));
            for (ObjectNode line : data.recentLines(backlog)) {
                out.write(LiveFeed.frame("line", line));
            }
            out.write(LiveFeed.frame("ready", JsonViews.object().put("source", data.kind())));
            out.flush();
            while (true) {
                byte[] frame = s.next(PING_MS);
                if (frame == null) {
                    frame = ": ping\n\n".getBytes(StandardCharsets.UTF_8);
                } else if (LiveFeed.Subscriber.closed(frame)) {
                    return;
                }
                out.write(frame);
                out.flush();
            }
        } catch (IOException gone) {
            // the reader closed the page
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        } finally {
            feed.unsubscribe(s);
        }
    }
}
