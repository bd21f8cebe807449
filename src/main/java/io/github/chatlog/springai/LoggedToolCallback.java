package io.github.chatlog.springai;

import io.github.chatlog.api.ModelCall;
import org.springframework.ai.chat.model.ToolContext;
import org.springframework.ai.tool.ToolCallback;
import org.springframework.ai.tool.definition.ToolDefinition;
import org.springframework.ai.tool.metadata.ToolMetadata;

/**
 * A tool callback that runs the wrapped one and logs the call (name, arguments, result) into the session of the model
 * call that offered it, whichever thread the model runs tools on. A tool that throws is logged with the exception as
 * its result, and the exception goes on to Spring AI as before.
 */
final class LoggedToolCallback implements ToolCallback {

    private final ToolCallback tool;
    private final ModelCall call;

    LoggedToolCallback(ToolCallback tool, ModelCall call) {
        this.tool = tool;
        this.call = call;
    }

    @Override
    public ToolDefinition getToolDefinition() {
        return tool.getToolDefinition();
    }

    @Override
    public ToolMetadata getToolMetadata() {
        return tool.getToolMetadata();
    }

    @Override
    public String call(String toolInput) {
        return logged(toolInput, () -> tool.call(toolInput));
    }

    @Override
    public String call(String toolInput, ToolContext toolContext) {
        return logged(toolInput, () -> tool.call(toolInput, toolContext));
    }

    private String logged(String input, java.util.function.Supplier<String> run) {
        String result;
        try {
            result = run.get();
        } catch (RuntimeException | Error e) {
            call.toolCall(name(), input, e.getClass().getSimpleName() + ": " + e.getMessage());
            throw e;
        }
        call.toolCall(name(), input, result);
        return result;
    }

    private String name() {
        try {
            return tool.getToolDefinition().name();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
