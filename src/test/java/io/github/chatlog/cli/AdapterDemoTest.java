package io.github.chatlog.cli;

import io.github.chatlog.format.MasterLine;
import io.github.chatlog.format.MasterLineFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code chatlog demo-adapter} in its own JVM with logback-example.xml, as the launcher runs it. */
class AdapterDemoTest {

    @Test
    void theLangChain4jDemoLogsItsConversationThroughTheListenerAndPrintsTheTranscript(@TempDir Path dir) throws Exception {
        String output = DemoTest.runWithTheExample(dir, "demo-adapter", 120);

        List<String> types = Files.readAllLines(dir.resolve("master.log"), StandardCharsets.UTF_8).stream()
                .map(MasterLineFormat::parse).map(MasterLine::eventType).collect(Collectors.toList());
        assertEquals(List.of("app:start", "conversation:start", "llm:request", "llm:response", "llm:request",
                "llm:response", "llm:request", "llm:response", "llm:request", "llm:response", "llm:request",
                "error:runtime", "llm:error", "conversation:end", "app:shutdown"), types);

        List<Path> transcripts;
        try (Stream<Path> s = Files.list(dir.resolve("chats"))) {
            transcripts = s.collect(Collectors.toList());
        }
        assertEquals(1, transcripts.size(), transcripts.toString());
        String transcript = Files.readString(transcripts.get(0), StandardCharsets.UTF_8);
        for (String expected : new String[]{"] User:\nHi there!\n", "] Tool call: weather_forecast\n"
                + "Arguments: {\"city\":\"Lisbon\",\"day\":\"tomorrow\"}\nResult: {\"high\":24,\"sky\":\"sunny\",\"wind\":\"N 10 km/h\"}\n",
                "] Assistant:\nHere is a calm piano playlist.\n", "tokens=8, ", "tokens_in=18, stream=true]",
                "] Error:\nRateLimitException: ", "Session ended at "}) {
            assertTrue(transcript.contains(expected), expected + " in\n" + transcript);
        }
        assertTrue(transcript.matches("(?s).*ttft=\\d+\\.\\d\\ds.*"), transcript);
        assertTrue(output.contains("Transcript of session langchain4j-"), output);
        assertTrue(output.contains("Here is a calm piano playlist."), "the demo prints the transcript: " + output);
    }
}
