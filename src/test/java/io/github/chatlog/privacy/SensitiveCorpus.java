package io.github.chatlog.privacy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Fake secrets and personal data in the formats people paste into chats, generated from a seed (no real-looking key is
 * committed), and look-alikes that must come through unchanged. Each item has the text that is logged and the needles
 * that must not appear in any output once it is masked.
 */
final class SensitiveCorpus {

    /** One generated item: its kind, the text logged, and what must never be found in an output. */
    record Item(String kind, boolean pii, String text, List<String> needles) {
    }

    private final Random random;

    SensitiveCorpus(long seed) {
        this.random = new Random(seed);
    }

    /** {@code perKind} items of each kind: 26 kinds. */
    List<Item> items(int perKind) {
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < perKind; i++) {
            String k;
            k = "sk-proj-" + token(48);
            items.add(secret("openai_key", "here is my key " + k + " please help", k));
            k = "sk-ant-api03-" + token(80);
            items.add(secret("anthropic_key", k, k));
            k = "sk_live_" + alnum(24);
            items.add(secret("stripe_key", "stripe=" + k, k));
            k = "AKIA" + upperDigits(16);
            items.add(secret("aws_key_id", "id " + k + ",", k));
            k = base64ish(40);
            items.add(secret("aws_secret", "aws_secret_access_key = " + k, k));
            k = "ghp_" + alnum(36);
            items.add(secret("github_token", "git push with " + k, k));
            k = "github_pat_" + alnum(22) + "_" + alnum(59);
            items.add(secret("github_pat", k, k));
            k = "glpat-" + token(20);
            items.add(secret("gitlab_token", "CI token: " + k, k));
            k = "xoxb-" + digits(11) + "-" + digits(13) + "-" + alnum(24);
            items.add(secret("slack_token", k, k));
            k = "AIza" + token(35);
            items.add(secret("google_key", "maps key " + k, k));
            String jwt = "eyJ" + b64url(20) + ".eyJ" + b64url(40) + "." + b64url(43);
            items.add(secret("jwt", "cookie session=" + jwt, jwt, jwt.substring(jwt.lastIndexOf('.') + 1)));
            k = alnum(12) + digits(4) + alnum(16);
            items.add(secret("bearer", "curl -H 'Authorization: Bearer " + k + "' https://api.example.com", k));
            k = alnum(10) + "." + digits(6) + "_" + alnum(12);
            items.add(secret("bearer_bare", "sent Bearer " + k + " upstream", k));
            String user = "svc" + alnum(6);
            String pw = "pw" + alnum(14);
            String basic = Base64.getEncoder().encodeToString((user + ":" + pw).getBytes(StandardCharsets.US_ASCII));
            items.add(secret("basic", "Authorization: Basic " + basic, basic));
            String body = b64(64);
            items.add(secret("pem", "-----BEGIN PRIVATE KEY-----\n" + body + "\n" + b64(64) + "\n-----END PRIVATE KEY-----",
                    body));
            pw = alnum(8) + digits(4) + alnum(4);
            items.add(secret("url_password", "connect to postgres://app:" + pw + "@db.internal:5432/chat", pw));
            String card = luhn(i % 3 == 0 ? "4" : i % 3 == 1 ? "5" + (1 + random.nextInt(5)) : "3" + (random.nextBoolean() ? 4 : 7),
                    i % 3 == 2 ? 15 : 16);
            String shown = i % 2 == 0 ? card : group(card, i % 4 == 1 ? '-' : ' ');
            items.add(secret("card", "my card is " + shown + " exp 12/29", shown, card));
            k = alnum(10) + digits(3);
            items.add(secret("password_kv", "login with password=" + k, k));
            k = alnum(20);
            items.add(secret("api_key_json", "{\"api_key\": \"" + k + "\", \"n\": 1}", k));
            // personal data
            String email = name() + "." + name() + digits(2) + "@" + name() + ".example.com";
            items.add(pii("email", "write to " + email + " today", email));
            String phone = switch (i % 4) {
                case 0 -> "+1 (" + (200 + random.nextInt(800)) + ") " + (200 + random.nextInt(800)) + "-" + digits(4);
                case 1 -> "+44 20 " + digits(4) + " " + digits(4);
                case 2 -> "0" + (6 + random.nextInt(2)) + " " + digits(2) + " " + digits(2) + " " + digits(2) + " " + digits(2);
                default -> (200 + random.nextInt(800)) + "-" + (200 + random.nextInt(800)) + "-" + digits(4);
            };
            items.add(pii("phone", "call me at " + phone + " please", phone));
            String iban = iban();
            String ibanShown = i % 2 == 0 ? iban : group4(iban);
            items.add(pii("iban", "IBAN: " + ibanShown, ibanShown));
            String ip = (11 + random.nextInt(200)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
            items.add(pii("ipv4", "client " + ip + " connected", ip));
            String ip6 = "2001:db8:" + hex(4) + ":" + hex(4) + ":" + hex(4) + ":" + hex(4) + ":" + hex(4) + ":" + hex(4);
            items.add(pii("ipv6", "from [" + ip6 + "]", ip6));
            String ssn = (100 + random.nextInt(565)) + "-" + (10 + random.nextInt(89)) + "-" + (1000 + random.nextInt(8999));
            items.add(pii("ssn", "SSN " + ssn, ssn));
        }
        return items;
    }

    /** Text that must not be touched: ids, hashes, times, versions, prose, code and stack frames. */
    List<String> lookAlikes(int perKind) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < perKind; i++) {
            out.add("request " + new UUID(random.nextLong(), random.nextLong()));
            out.add("commit " + hex(40) + " merged");
            out.add("sha256:" + hex(64));
            out.add("at 2025-" + two(1 + random.nextInt(12)) + "-" + two(1 + random.nextInt(28)) + "T" + two(random.nextInt(24))
                    + ":" + two(random.nextInt(60)) + ":" + two(random.nextInt(60)) + "." + digits(3) + "Z");
            out.add("epoch " + (1_700_000_000_000L + random.nextInt(1_000_000_000)));
            out.add("upgraded to " + random.nextInt(30) + "." + random.nextInt(30) + "." + random.nextInt(100) + "-beta." + random.nextInt(9));
            out.add("a risk-free, well-known and task-oriented plan #" + i);
            out.add("at com.example.chat.Agent" + i + ".reply(Agent" + i + ".java:" + (1 + random.nextInt(900)) + ")");
            out.add("total " + random.nextInt(100000) + " tokens in " + random.nextInt(5000) + " ms, ratio 0." + digits(3));
            out.add("for (int i = 0; i < n; i++) { sum += a[i] * " + random.nextInt(99) + "; }");
            out.add("std::vector<int> v" + i + "; Foo::bar(); key_" + i + " = value_" + i);
            out.add("order #" + digits(8) + " shipped, tracking " + upperDigits(12));
        }
        return out;
    }

    private Item secret(String kind, String text, String... needles) {
        return new Item(kind, false, text, List.of(needles));
    }

    private Item pii(String kind, String text, String... needles) {
        return new Item(kind, true, text, List.of(needles));
    }

    private String luhn(String prefix, int length) {
        StringBuilder b = new StringBuilder(prefix);
        while (b.length() < length - 1) {
            b.append(random.nextInt(10));
        }
        int sum = 0;
        for (int k = 0; k < b.length(); k++) {
            int d = b.charAt(b.length() - 1 - k) - '0';
            if (k % 2 == 0) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
        }
        return b.append((10 - sum % 10) % 10).toString();
    }

    private String iban() {
        String bban = digits(18);
        java.math.BigInteger n = new java.math.BigInteger(bban + "1314" + "00"); // D=13, E=14
        int check = 98 - n.mod(java.math.BigInteger.valueOf(97)).intValue();
        return "DE" + two(check) + bban;
    }

    private static String group(String card, char sep) {
        StringBuilder b = new StringBuilder();
        int[] groups = card.length() == 15 ? new int[]{4, 6, 5} : new int[]{4, 4, 4, 4};
        int at = 0;
        for (int g : groups) {
            if (at > 0) {
                b.append(sep);
            }
            b.append(card, at, at + g);
            at += g;
        }
        return b.toString();
    }

    private static String group4(String s) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < s.length(); k += 4) {
            if (k > 0) {
                b.append(' ');
            }
            b.append(s, k, Math.min(s.length(), k + 4));
        }
        return b.toString();
    }

    private String name() {
        String[] names = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy"};
        return names[random.nextInt(names.length)];
    }

    private static String two(int v) {
        return v < 10 ? "0" + v : Integer.toString(v);
    }

    private String pick(String alphabet, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int k = 0; k < n; k++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private String alnum(int n) {
        // at least one digit, one upper and one lower case letter, as generated keys have
        return pick("0123456789", 1) + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1) + pick("abcdefghijklmnopqrstuvwxyz", 1)
                + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", n - 3);
    }

    private String token(int n) {
        return alnum(n - 2) + pick("-_", 1) + alnum(3).substring(0, 1);
    }

    private String upperDigits(int n) {
        return pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", n);
    }

    private String digits(int n) {
        return pick("0123456789", n);
    }

    private String hex(int n) {
        return pick("0123456789abcdef", n);
    }

    private String b64(int n) {
        return pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", n);
    }

    private String b64url(int n) {
        return pick("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", n);
    }

    private String base64ish(int n) {
        return alnum(n - 2) + "/" + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 1);
    }
}
