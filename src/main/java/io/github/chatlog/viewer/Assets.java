package io.github.chatlog.viewer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The pages, scripts and style sheet of the viewer, read once from the class path ({@value #FOLDER}): a fixed list,
 * looked up by name, so no part of a request's path ever reaches a file or resource lookup. Nothing is fetched from
 * elsewhere: the viewer works offline and its Content-Security-Policy allows only its own origin.
 */
final class Assets {

    static final String FOLDER = "/io/github/chatlog/viewer/assets/";

    /** Every file the viewer serves. */
    static final List<String> NAMES = List.of("index.html", "session.html", "search.html", "stats.html", "live.html",
            "viewer.css", "common.js", "sessions.js", "conversation.js", "search.js", "stats.js", "charts.js", "live.js",
            "icon.svg");

    /** One file and its media type. */
    record Asset(String contentType, byte[] bytes) {
    }

    private final Map<String, Asset> byName = new LinkedHashMap<>();

    Assets() {
        for (String name : NAMES) {
            try (InputStream in = Assets.class.getResourceAsStream(FOLDER + name)) {
                if (in == null) {
                    throw new IllegalStateException("the viewer's " + name + " is missing from the class path");
                }
                byName.put(name, new Asset(type(name), in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The file called {@code name}, or null. */
    Asset get(String name) {
        return byName.get(name);
    }

    private static String type(String name) {
        if (name.endsWith(".html")) {
            return "text/html; charset=utf-8";
        }
        if (name.endsWith(".js")) {
            return "text/javascript; charset=utf-8";
        }
        if (name.endsWith(".css")) {
            return "text/css; charset=utf-8";
        }
        return "image/svg+xml";
    }
}
