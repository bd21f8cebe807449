package io.github.chatlog.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A streaming model that hands each call a {@link FirstToken} (as a listener attribute) and marks it when the first
 * partial response, thinking or tool-call fragment reaches the caller's handler. Everything else is the wrapped model's.
 */
final class TimedStreamingChatModel implements StreamingChatModel {

    private final StreamingChatModel delegate;

    TimedStreamingChatModel(StreamingChatModel delegate) {
        if (delegate == null) {
            throw new IllegalArgumentException("a model to wrap is needed");
        }
        this.delegate = delegate;
    }

    @Override
    public void chat(ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
        FirstToken first = new FirstToken();
        Map<Object, Object> attributes = new HashMap<>(options == null ? Map.of() : options.listenerAttributes());
        attributes.put(FirstToken.KEY, first);
        delegate.chat(request, ChatRequestOptions.builder().listenerAttributes(attributes).build(), new Handler(handler, first));
    }

    @Override
    public ChatRequestParameters defaultRequestParameters() {
        return delegate.defaultRequestParameters();
    }

    @Override
    public List<ChatModelListener> listeners() {
        return delegate.listeners();
    }

    @Override
    public ModelProvider provider() {
        return delegate.provider();
    }

    @Override
    public Set<Capability> supportedCapabilities() {
        return delegate.supportedCapabilities();
    }

    /** Passes every callback on, noting the first that carries output. */
    private static final class Handler implements StreamingChatResponseHandler {
        private final StreamingChatResponseHandler handler;
        private final FirstToken first;

        Handler(StreamingChatResponseHandler handler, FirstToken first) {
            this.handler = handler;
            this.first = first;
        }

        @Override
        public void onPartialResponse(String partialResponse) {
            first.arrived();
            handler.onPartialResponse(partialResponse);
        }

        @Override
        public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
            first.arrived();
            handler.onPartialResponse(partialResponse, context);
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking) {
            first.arrived();
            handler.onPartialThinking(partialThinking);
        }

        @Override
        public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
            first.arrived();
            handler.onPartialThinking(partialThinking, context);
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall) {
            first.arrived();
            handler.onPartialToolCall(partialToolCall);
        }

        @Override
        public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
            first.arrived();
            handler.onPartialToolCall(partialToolCall, context);
        }

        @Override
        public void onCompleteToolCall(CompleteToolCall completeToolCall) {
            first.arrived();
            handler.onCompleteToolCall(completeToolCall);
        }

        @Override
        public void onUnmappedRawEvent(Object rawEvent) {
            handler.onUnmappedRawEvent(rawEvent);
        }

        @Override
        public void onCompleteResponse(ChatResponse completeResponse) {
            handler.onCompleteResponse(completeResponse);
        }

        @Override
        public void onError(Throwable error) {
            handler.onError(error);
        }
    }
}
