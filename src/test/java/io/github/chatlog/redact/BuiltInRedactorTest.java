package io.github.chatlog.redact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class BuiltInRedactorTest {

    private static final BuiltInRedactor SECRETS = new BuiltInRedactor(true, false);
    private static final BuiltInRedactor BOTH = new BuiltInRedactor(true, true);
    private static final BuiltInRedactor NONE = new BuiltInRedactor(false, false);

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "my key is sk-proj-AbCdEf0123456789AbCdEf0123456789 ok|my key is [REDACTED:api_key] ok",
            "sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123|[REDACTED:api_key]",
            "stripe sk_live_51HqLyjWDarjtT1zdp7dc and more|stripe [REDACTED:api_key] and more",
            "id AKIAIOSFODNN7EXAMPLE.|id [REDACTED:aws_access_key].",
            "AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY end|[REDACTED:aws_access_key]:[REDACTED:aws_secret_key] end",
            "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY|aws_secret_access_key = [REDACTED:secret]",
            "token ghp_abcdefghijklmnopqrstuvwxyz0123456789|token [REDACTED:github_token]",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz|[REDACTED:github_token]",
            "gitlab glpat-abcdefghij0123456789xy done|gitlab [REDACTED:gitlab_token] done",
            "slack xoxb-1234567890-abcdefghij|slack [REDACTED:slack_token]",
            "key=AIzaSyA1234567890abcdefghijklmnopqrstuv|key=[REDACTED:google_api_key]",
            "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U x|jwt [REDACTED:jwt] x",
            "Authorization: Bearer abc.def-123_456|Authorization: [REDACTED:secret]",
            "sent Bearer abcdef0123456789 to api|sent Bearer [REDACTED:bearer_token] to api",
            "header Basic dXNlcjpwYXNzd29yZA== sent|header Basic [REDACTED:basic_auth] sent",
            "db postgres://admin:s3cr3t@db.example.com:5432/app|db postgres://admin:[REDACTED:password]@db.example.com:5432/app",
            "card 4111 1111 1111 1111 exp|card [REDACTED:card_number] exp",
            "card 4111111111111111, thanks|card [REDACTED:card_number], thanks",
            "amex 3782-822463-10005.|amex [REDACTED:card_number].",
            "password=hunter2 next|password=[REDACTED:secret] next",
            "{\"api_key\": \"abc 123\", \"n\": 1}|{\"api_key\": \"[REDACTED:secret]\", \"n\": 1}",
            "X-Api-Key: abcdef|X-Api-Key: [REDACTED:secret]",
    })
    void secretsAreMasked(String in, String expected) {
        assertEquals(expected, SECRETS.redact(in));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "mail alice@example.com now|mail [REDACTED:email] now",
            "call +1 (555) 123-4567 today|call [REDACTED:phone] today",
            "call (555) 123-4567|call [REDACTED:phone]",
            "call 555-123-4567.|call [REDACTED:phone].",
            "ruf +49 30 1234567|ruf [REDACTED:phone]",
            "appelle 06 12 34 56 78 !|appelle [REDACTED:phone] !",
            "ring 020 7946 0958|ring [REDACTED:phone]",
            "iban DE89 3704 0044 0532 0130 00 thanks|iban [REDACTED:iban] thanks",
            "iban GB82WEST12345698765432|iban [REDACTED:iban]",
            "from 192.168.1.20:8080|from [REDACTED:ip_address]:8080",
            "v6 2001:db8:85a3::8a2e:370:7334 ok|v6 [REDACTED:ip_address] ok",
            "v6 fe80:0:0:0:202:b3ff:fe1e:8329|v6 [REDACTED:ip_address]",
            "ssn 123-45-6789|ssn [REDACTED:ssn]",
    })
    void personalDataIsMaskedUnderPii(String in, String expected) {
        assertEquals(expected, BOTH.redact(in));
        // and left alone by secrets alone
        assertEquals(in, SECRETS.redact(in));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "550e8400-e29b-41d4-a716-446655440000",
            "commit 3f786850e387550fdab836ed7e6dc881de23001b merged",
            "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
            "2025-10-29T14:30:45.123Z|llm:response|agent|latency_ms=850 tokens=28",
            "[2025-10-29 14:30:50] User:",
            "version 1.5.38 and 2.0.17, java 17.0.15",
            "a risk-free, sk-learn based, task-oriented plan",
            "at com.example.ChatService.reply(ChatService.java:142)",
            "at java.base/java.lang.Thread.run(Thread.java:840)",
            "epoch 1732395600000 and 1732395600",
            "order 12345678901234 shipped; $5000 refund; 3.14159",
            "std::vector<int> and Foo::bar, time 14:30:45, mac 00:1a:2b:3c:4d:5e",
            "tokens=28 max_tokens=1024 tokenizer=cl100k",
            "Basic idea: Bearer of bad news, Basic understanding",
            "user @Override public void x(); see @param and @since",
            "Das ist ein Beispiel: über Größe, naïve café, 東京, 🙂",
            "https://example.com/path?q=1 and http://localhost:8080/",
            "UUIDs 123e4567-e89b-12d3-a456-426614174000",
            "AKIA is a prefix; AIza too; eyJ alone",
    })
    void lookAlikesComeThroughUnchanged(String text) {
        assertSame(text, BOTH.redact(text), "should be unchanged: " + text);
    }

    @Test
    void noneMasksNothing() {
        String text = "sk-proj-AbCdEf0123456789AbCdEf0123456789 alice@example.com";
        assertSame(text, NONE.redact(text));
    }

    @Test
    void privateKeyBlocksAreMaskedWhole() {
        String pem = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\nabc\n-----END RSA PRIVATE KEY-----\nafter";
        assertEquals("key:\n[REDACTED:private_key]\nafter", SECRETS.redact(pem));
        String cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
        assertSame(cert, SECRETS.redact(cert));
    }

    @Test
    void luhnInvalidNumbersAreNotCards() {
        String text = "4111 1111 1111 1112 and 1234567812345678";
        assertSame(text, SECRETS.redact(text));
    }
}
