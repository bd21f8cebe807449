package io.github.chatlog.adapters;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * An OpenAI-compatible chat-completions server on loopback, for the adapter tests: it answers
 * {@code POST .../chat/completions} by a script (a function of the request JSON), as a JSON body or as server-sent
 * events, and keeps every request it received. The real OpenAI clients of LangChain4j and Spring AI talk to it.
 */
public final class OpenAiStub implements AutoCloseable {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    /** The model the stub says answered (the clients ask for {@code gpt-4o-mini}). */
    public static final String MODEL = "gpt-4o-mini-2024-07-18";

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(8);
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
    private volatile Function<JsonNode, Reply> script = r -> Reply.error(500, "no script");

    private OpenAiStub() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    public static OpenAiStub start() throws IOException {
        return new OpenAiStub();
    }

    /** {@code http://127.0.0.1:<port>} (Spring AI adds {@code /v1/chat/completions}). */
    public String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    public OpenAiStub script(Function<JsonNode, Reply> script) {
        this.script = script;
        return this;
    }

    public List<JsonNode> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            requests.add(request);
            Reply reply = script.apply(request);
            if (reply.events == null) {
                byte[] body = reply.body.getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(reply.status, body.length);
                exchange.getResponseBody().write(body);
            } else {
                exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                for (String event : reply.events) {
                    out.write(("data: " + event + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    /** The text of the last message of a request. */
    public static String lastContent(JsonNode request) {
        JsonNode messages = request.get("messages");
        JsonNode content = messages.get(messages.size() - 1).get("content");
        return content == null || content.isNull() ? "" : content.isString() ? content.asString() : content.toString();
    }

    /** The role of the last message of a request. */
    public static String lastRole(JsonNode request) {
        JsonNode messages = request.get("messages");
        return messages.get(messages.size() - 1).get("role").asString();
    }

    public static boolean streams(JsonNode request) {
        return request.has("stream") && request.get("stream").asBoolean();
    }

    /** What the stub sends back. */
    public static final class Reply {
        final int status;
        final String body;
        final List<String> events;

        private Reply(int status, String body, List<String> events) {
            this.status = status;
            this.body = body;
            this.events = events;
        }

        /** A complete answer with its usage. */
        public static Reply text(String text, int promptTokens, int completionTokens) {
            ObjectNode message = JSON.createObjectNode().put("role", "assistant").put("content", text);
            return completion(message, "stop", promptTokens, completionTokens);
        }

        /** The model asks for one tool. */
        public static Reply toolCall(String id, String name, String arguments, int promptTokens, int completionTokens) {
            ObjectNode message = JSON.createObjectNode().put("role", "assistant");
            message.putNull("content");
            ObjectNode call = message.putArray("tool_calls").addObject().put("id", id).put("type", "function");
            call.putObject("function").put("name", name).put("arguments", arguments);
            return completion(message, "tool_calls", promptTokens, completionTokens);
        }

        /** A streamed answer: one chunk per piece, the last with {@code finish_reason}, then a usage-only chunk. */
        public static Reply stream(List<String> pieces, int promptTokens, int completionTokens) {
            List<String> events = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                ObjectNode chunk = chunk();
                ObjectNode choice = ((ArrayNode) chunk.get("choices")).addObject().put("index", 0);
                ObjectNode delta = choice.putObject("delta");
                if (i == 0) {
                    delta.put("role", "assistant");
                }
                delta.put("content", pieces.get(i));
                if (i == pieces.size() - 1) {
                    choice.put("finish_reason", "stop");
                } else {
                    choice.putNull("finish_reason");
                }
                events.add(chunk.toString());
            }
            ObjectNode usage = chunk();
            usage.set("usage", usage(promptTokens, completionTokens));
            events.add(usage.toString());
            events.add("[DONE]");
            return new Reply(200, null, events);
        }

        /** An error status with OpenAI's error body. */
        public static Reply error(int status, String message) {
            ObjectNode body = JSON.createObjectNode();
            body.putObject("error").put("message", message).put("type", "requests").put("code", "rate_limit_exceeded");
            return new Reply(status, body.toString(), null);
        }

        private static Reply completion(ObjectNode message, String finishReason, int promptTokens, int completionTokens) {
            ObjectNode body = JSON.createObjectNode().put("id", "chatcmpl-stub").put("object", "chat.completion")
                    .put("created", 1_700_000_000L).put("model", MODEL);
            ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
            choice.set("message", message);
            choice.put("finish_reason", finishReason);
            body.set("usage", usage(promptTokens, completionTokens));
            return new Reply(200, body.toString(), null);
        }

        private static ObjectNode chunk() {
            ObjectNode chunk = JSON.createObjectNode().put("id", "chatcmpl-stub").put("object", "chat.completion.chunk")
                    .put("created", 1_700_000_000L).put("model", MODEL);
            chunk.putArray("choices");
            return chunk;
        }

        private static ObjectNode usage(int promptTokens, int completionTokens) {
            return JSON.createObjectNode().put("prompt_tokens", promptTokens).put("completion_tokens", completionTokens)
                    .put("total_tokens", promptTokens + completionTokens);
        }
    }
}
