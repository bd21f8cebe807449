package com.example.chat;

import io.github.chatlog.api.ChatSession;
import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.boot.CommandLineRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootVersion;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.stereotype.Component;

/**
 * A chat backend in miniature: a conversation through plain SLF4J with the session id in the MDC, one through the
 * plugin's facade, an ordinary logger's warning with an exception, and a bean that says goodbye in {@code @PreDestroy}.
 * It then serves (an embedded web server with graceful shutdown) until the process is told to stop.
 */
@SpringBootApplication
public class ChatApplication {

    static final String SESSION = "spring-chat";
    private static final Logger CHAT = LoggerFactory.getLogger("chat");
    private static final Logger LOG = LoggerFactory.getLogger(ChatApplication.class);

    public static void main(String[] args) {
        SpringApplication.run(ChatApplication.class, args);
    }

    @Bean
    CommandLineRunner converse() {
        return args -> {
            MDC.put("session_id", SESSION);
            try {
                CHAT.atInfo().addKeyValue("role", "user").log("Which plan suits a team of five?");
                CHAT.atInfo().addKeyValue("role", "assistant").addKeyValue("model", "phi3-mini")
                        .addKeyValue("tokens", 12).log("The team plan covers up to ten seats.");
                LOG.warn("pricing lookup failed", new IllegalStateException("pricing service timed out"));
            } finally {
                MDC.remove("session_id");
            }
            try (ChatSession facade = ChatSession.open("spring-facade")) {
                facade.user("Is the facade on the console?");
                facade.assistant("It should not be.");
            }
            System.out.println("CHATLOG-APP-READY on Spring Boot " + SpringBootVersion.getVersion());
        };
    }

    /** Logs the last chat entry while the application context closes. */
    @Component
    static class Farewell {
        @PreDestroy
        void goodbye() {
            MDC.put("session_id", SESSION);
            try {
                CHAT.atInfo().addKeyValue("role", "assistant").log("Goodbye from PreDestroy.");
            } finally {
                MDC.remove("session_id");
            }
        }
    }
}
