package io.github.chatlog.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A pretend OpenAI for {@code chatlog demo-adapter}: an OpenAI-compatible chat-completions endpoint on loopback with
 * canned answers. It asks for the {@code weather_forecast} tool when tools are offered and the question has no tool
 * result yet, answers from the tool result once it has one, streams when asked to (usage in the last chunk), and
 * answers a question about limits with HTTP 429.
 */
final class DemoModelServer implements AutoCloseable {

    static final String MODEL = "gpt-4o-mini-2024-07-18";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    DemoModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::handle);
        server.setExecutor(pool);
        server.start();
    }

    /** The base URL LangChain4j's OpenAI clients take: {@code http://127.0.0.1:<port>/v1}. */
    String baseUrl() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            JsonNode messages = request.get("messages");
            JsonNode last = messages.get(messages.size() - 1);
            String role = last.get("role").asString();
            String content = last.get("content") == null || last.get("content").isNull() ? "" : last.get("content").asString("");
            if (content.toLowerCase(java.util.Locale.ROOT).contains("limit")) {
                send(exchange, 429, "{\"error\":{\"message\":\"Rate limit reached for gpt-4o-mini in organization org-demo "
                        + "on requests per min (RPM): Limit 3, Used 3, Requested 1.\",\"type\":\"requests\","
                        + "\"code\":\"rate_limit_exceeded\"}}");
            } else if (request.has("stream") && request.get("stream").asBoolean()) {
                stream(exchange, List.of("Here is ", "a calm ", "piano ", "playlist."), 18, 8);
            } else if ("tool".equals(role)) {
                send(exchange, 200, completion(message("Sunny with a high of 24°C, light wind from the north."), "stop", 61, 14));
            } else if (request.has("tools")) {
                ObjectNode message = JSON.createObjectNode().put("role", "assistant");
                message.putNull("content");
                ObjectNode call = message.putArray("tool_calls").addObject().put("id", "call_demo_1").put("type", "function");
                call.putObject("function").put("name", "weather_forecast")
                        .put("arguments", "{\"city\":\"Lisbon\",\"day\":\"tomorrow\"}");
                send(exchange, 200, completion(message, "tool_calls", 52, 19));
            } else {
                send(exchange, 200, completion(message("Hello! I can check the weather or play some music."), "stop", 9, 12));
            }
        }
    }

    private static ObjectNode message(String text) {
        return JSON.createObjectNode().put("role", "assistant").put("content", text);
    }

    private static String completion(ObjectNode message, String finishReason, int in, int out) {
        ObjectNode body = base("chat.completion");
        ObjectNode choice = body.putArray("choices").addObject().put("index", 0);
        choice.set("message", message);
        choice.put("finish_reason", finishReason);
        body.set("usage", usage(in, out));
        return body.toString();
    }

    private static void stream(HttpExchange exchange, List<String> pieces, int in, int out) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream body = exchange.getResponseBody();
        for (int i = 0; i < pieces.size(); i++) {
            ObjectNode chunk = base("chat.completion.chunk");
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            choice.putObject("delta").put("content", pieces.get(i));
            choice.put("finish_reason", i == pieces.size() - 1 ? "stop" : null);
            event(body, chunk.toString());
            pause(20); // a model produces tokens over time: the time to first token is shorter than the whole reply
        }
        ObjectNode usage = base("chat.completion.chunk");
        usage.putArray("choices");
        usage.set("usage", usage(in, out));
        event(body, usage.toString());
        event(body, "[DONE]");
    }

    private static void event(OutputStream out, String data) throws IOException {
        out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static ObjectNode base(String object) {
        return JSON.createObjectNode().put("id", "chatcmpl-demo").put("object", object).put("created", 1_700_000_000L)
                .put("model", MODEL);
    }

    private static ObjectNode usage(int in, int out) {
        return JSON.createObjectNode().put("prompt_tokens", in).put("completion_tokens", out).put("total_tokens", in + out);
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
