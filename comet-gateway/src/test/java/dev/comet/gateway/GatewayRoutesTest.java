package dev.comet.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.comet.client.ItemSpec;
import dev.comet.client.LuaRuntimePool;
import dev.comet.client.SignedRequest;
import dev.comet.owned.AccessConfig;
import dev.comet.owned.OwnerRequest;
import dev.comet.core.NodeConfig;
import dev.comet.items.Ed25519;
import dev.comet.runtime.LocalCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every gateway route and error status, over real HTTP against an 8-node loopback cluster, checked against the spec. */
class GatewayRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.util.HexFormat HEX = java.util.HexFormat.of();
    private static LocalCluster cluster;
    private static Gateway gateway;
    private static String url;
    private static final String ADMIN = "the-operators-admin-token";
    private static final Map<String, String> OPERATOR = Map.of("Authorization", "Bearer " + ADMIN);

    @BeforeAll
    static void start() {
        // every node has the operator's admin token; only the gateway's node is asked for its replicas' state
        cluster = LocalCluster.start(8, 0, NodeConfig.builder().access(AccessConfig.defaults().withAdminToken(ADMIN)).build(),
                LuaRuntimePool.factory());
        cluster.awaitFormed(30_000);
        gateway = Gateway.start(cluster.nodes().get(0), GatewayConfig.defaults().withAddress("127.0.0.1", 0));
        url = gateway.url();
    }

    @AfterAll
    static void stop() {
        gateway.close();
        cluster.close();
    }

    @Test
    void theSeedCountsTheGetsOfTheReplicaThatAnswers() throws Exception {
        JsonNode put = ok("PUT", "/v1/objects/hello", body(Map.of("code", HttpCheck.read("examples/seed.lua"), "replicas", 8)));
        assertThat(put.get("key").asText()).isEqualTo("hello");
        assertThat(put.get("target").asText()).isEqualTo(dev.comet.id.NodeId.ofKey("hello").toHex());
        assertThat(put.get("stored")).hasSize(8);
        assertThat(put.get("refused")).isEmpty();
        JsonNode first = ok("GET", "/v1/objects/hello", null);
        assertThat(first.get("answers")).hasSize(1);
        assertThat(first.get("answers").get(0).get("value").get(0).asText()).isEqualTo("Hello world!");
        long count = first.get("answers").get(0).get("value").get(1).asLong();
        JsonNode second = ok("GET", "/v1/objects/hello?all=false", null);
        assertThat(second.get("answers").get(0).get("value").get(1).asLong()).isEqualTo(count + 1);
        JsonNode all = ok("GET", "/v1/objects/hello?all=true", null);
        assertThat(all.get("answers")).hasSize(8);
        all.get("answers").forEach(a -> assertThat(a.get("node").asText()).matches("127\\.0\\.0\\.1:\\d+"));
    }

    @Test
    void aSignedObjectIsPutSignedAndReadByPublicKeyAndSalt() throws Exception {
        Ed25519.RawKeyPair owner = Ed25519.generate(new SecureRandom());
        dev.comet.client.SignedObjectSpec v1 = dev.comet.client.SignedObjectSpec.signed(owner, "routes", 1,
                dev.comet.client.ObjectSpec.ofValue("signed v1").withReplicas(3));
        JsonNode put = ok("PUT", "/v1/signed-objects", signedBody(v1));
        assertThat(put.get("key").asText()).isEqualTo(v1.publicKey() + "/routes");
        assertThat(put.get("stored")).hasSize(3);
        JsonNode got = ok("GET", "/v1/signed-objects/" + v1.publicKey() + "?salt=routes&all=true", null);
        assertThat(got.get("target").asText()).isEqualTo(put.get("target").asText());
        got.get("answers").forEach(a -> assertThat(a.get("value").asText()).isEqualTo("signed v1"));

        JsonNode replay = error("PUT", "/v1/signed-objects", signedBody(v1), 422, "refused");
        assertThat(replay.get("code").asInt()).isEqualTo(340);
        Map<String, Object> forged = new java.util.TreeMap<>(JSON.readValue(signedBody(v1), Map.class));
        forged.put("code", "aso.value = 'forged'");
        assertThat(error("PUT", "/v1/signed-objects", body(forged), 400, "bad_input").get("code").asInt()).isEqualTo(206);
        error("GET", "/v1/signed-objects/" + v1.publicKey() + "?salt=other", null, 404, "not_found");
        error("GET", "/v1/signed-objects/xyz?salt=routes", null, 400, "bad_input");
        error("GET", "/v1/signed-objects/" + v1.publicKey() + "?sault=routes", null, 400, "bad_input");

        // a read bounded in freshness: version 0 (as put) is current on the primary now
        JsonNode fresh = ok("GET", "/v1/signed-objects/" + v1.publicKey() + "?salt=routes&max-age=60", null);
        assertThat(fresh.get("answers")).hasSize(1);
        assertThat(fresh.get("answers").get(0).get("value").asText()).isEqualTo("signed v1");
        assertThat(error("GET", "/v1/signed-objects/" + v1.publicKey() + "?salt=routes&min-version=1", null, 503,
                "unavailable").get("code").asInt()).isEqualTo(353);
        error("GET", "/v1/signed-objects/" + v1.publicKey() + "?salt=routes&min-version=-1", null, 400, "bad_input");
        error("GET", "/v1/signed-objects/" + v1.publicKey() + "?salt=routes&max-age=soon", null, 400, "bad_input");
        error("GET", "/v1/signed-objects/" + v1.publicKey() + "?salt=routes&max-age=5&all=true", null, 400, "bad_input");
    }

    @Test
    void aValueWithoutCodeIsAnsweredAsItIs() throws Exception {
        ok("PUT", "/v1/objects/plain%20note", body(Map.of("value", "just a value", "replicas", 3, "ttlSeconds", 600)));
        assertThat(ok("GET", "/v1/objects/plain%20note", null).get("answers").get(0).get("value").asText()).isEqualTo("just a value");
    }

    @Test
    void keysMayHoldSlashes() throws Exception {
        ok("PUT", "/v1/objects/users/ada/profile", body(Map.of("value", "Ada")));
        JsonNode got = ok("GET", "/v1/objects/users/ada/profile", null);
        assertThat(got.get("key").asText()).isEqualTo("users/ada/profile");
        assertThat(got.get("target").asText()).isEqualTo(dev.comet.id.NodeId.ofKey("users/ada/profile").toHex());
    }

    @Test
    void thePasswordArgumentOpensTheValueAndAWrongOneIsRefused() throws Exception {
        ok("PUT", "/v1/objects/treasure", body(Map.of("code", HttpCheck.read("examples/password.lua"))));
        JsonNode opened = ok("GET", "/v1/objects/treasure?arg.password=open%20sesame", null);
        assertThat(opened.get("answers").get(0).get("value").asText()).isEqualTo("the treasure is under the old oak");
        JsonNode refused = error("GET", "/v1/objects/treasure?arg.password=guess", null, 422, "refused");
        assertThat(refused.get("message").asText()).contains("wrong password");
        error("GET", "/v1/objects/treasure", null, 422, "refused");
    }

    @Test
    void aDeletedObjectIsGoneAndDeletingItAgainIsNotFound() throws Exception {
        ok("PUT", "/v1/objects/doomed", body(Map.of("value", "bye", "replicas", 4)));
        JsonNode deleted = ok("DELETE", "/v1/objects/doomed", null);
        assertThat(deleted.get("stored")).hasSize(4);
        error("GET", "/v1/objects/doomed", null, 404, "not_found");
        error("DELETE", "/v1/objects/doomed", null, 404, "not_found");
    }

    @Test
    void handlerRefusalsAreUnprocessable() throws Exception {
        JsonNode put = error("PUT", "/v1/objects/stubborn", body(Map.of("code", "function onPut() return false end")), 422, "refused");
        assertThat(put.get("message").asText()).contains("330").contains("onPut refused");
        ok("PUT", "/v1/objects/keeper", body(Map.of("code", "aso.value = 'kept'\nfunction onDelete() return false end")));
        assertThat(error("DELETE", "/v1/objects/keeper", null, 422, "refused").get("message").asText()).contains("onDelete refused");
        ok("PUT", "/v1/objects/looper", body(Map.of("code", "function onGet() while true do end end", "replicas", 2)));
        // the loop is stopped by the instruction limit, or by the wall-time backstop on a busy machine
        JsonNode limit = error("GET", "/v1/objects/looper", null, 422, "limit");
        assertThat(limit.get("message").asText()).containsPattern("32[02] onGet: (instruction|time) limit exceeded");
        assertThat(limit.get("name").asText()).isIn("INSTRUCTION_LIMIT", "TIME_LIMIT");
    }

    @Test
    void codeThatDoesNotCompileIsBadInput() throws Exception {
        JsonNode syntax = error("PUT", "/v1/objects/broken", body(Map.of("code", "function onGet( return end")), 400, "bad_input");
        assertThat(syntax.get("code").asInt()).isEqualTo(332);
        assertThat(syntax.get("name").asText()).isEqualTo("CODE_INVALID");
        assertThat(syntax.get("message").asText()).contains("does not compile");
    }

    @Test
    void badInputIsABadRequestNamingTheProblem() throws Exception {
        assertThat(error("PUT", "/v1/objects/x", "{not json", 400, "bad_input").get("message").asText()).contains("bad JSON");
        assertThat(error("PUT", "/v1/objects/x", "{\"value\":\"v\",\"colour\":\"red\"}", 400, "bad_input").get("message").asText())
                .contains("unknown field 'colour'");
        error("PUT", "/v1/objects/x", "{\"value\":\"v\",\"replicas\":\"many\"}", 400, "bad_input");
        error("PUT", "/v1/objects/x", "{\"value\":\"v\",\"replicas\":2.5}", 400, "bad_input");
        error("PUT", "/v1/objects/x", "{\"value\":7}", 400, "bad_input");
        error("PUT", "/v1/objects/x", "[1,2]", 400, "bad_input");
        error("PUT", "/v1/objects/x", "null", 400, "bad_input");
        assertThat(error("PUT", "/v1/objects/x", "", 400, "bad_input").get("message").asText()).contains("JSON body");
        assertThat(error("PUT", "/v1/objects/x", "{}", 400, "bad_input").get("message").asText()).contains("value, code");
        assertThat(error("PUT", "/v1/objects/x", "{\"value\":\"v\",\"replicas\":0}", 400, "bad_input").get("message").asText())
                .contains("replicas must be 1 to 20");
        error("PUT", "/v1/objects/x", "{\"value\":\"v\",\"ttlSeconds\":-5}", 400, "bad_input");
        assertThat(error("GET", "/v1/objects/x?all=maybe", null, 400, "bad_input").get("message").asText()).contains("all must be");
        assertThat(error("GET", "/v1/objects/x?colour=red", null, 400, "bad_input").get("message").asText()).contains("colour");
        assertThat(error("GET", "/v1/items/not-hex", null, 400, "bad_input").get("message").asText()).contains("40 hex digits");
        error("GET", "/v1/items/" + "zz".repeat(20), null, 400, "bad_input");
        error("PUT", "/v1/items", "{\"value\":\"v\",\"publicKey\":\"abc\",\"signature\":\"00\",\"seq\":1}", 400, "bad_input");
        error("PUT", "/v1/items", "{\"seq\":1}", 400, "bad_input");
    }

    @Test
    void oversizedInputIsTooLarge() throws Exception {
        String huge = "x".repeat(70 * 1024);
        assertThat(error("PUT", "/v1/objects/big", body(Map.of("value", huge)), 413, "too_large").get("message").asText())
                .contains("larger than");
        // within the body limit, but over the sandbox's 16 KiB of code: every replica refuses with 326
        String bigCode = "aso.value = '" + "y".repeat(20 * 1024) + "'";
        error("PUT", "/v1/objects/bigcode", body(Map.of("code", bigCode)), 413, "too_large");
        error("PUT", "/v1/items", body(Map.of("value", "z".repeat(1200))), 413, "too_large");
        error("GET", "/v1/objects/" + "k".repeat(1100), null, 413, "too_large");
    }

    @Test
    void unknownRoutesAreJsonNotFound() throws Exception {
        HttpResponse<String> r = HttpCheck.sendUnchecked(url, "GET", "/v1/nothing-here", null);
        assertThat(HttpCheck.errorBody(r, 404, "not_found").get("name").asText()).isEqualTo("NO_SUCH_ROUTE");
    }

    @Test
    void itemsAreStoredAndFetchedImmutableAndSigned() throws Exception {
        JsonNode put = ok("PUT", "/v1/items", body(Map.of("value", "hello items")));
        String target = put.get("target").asText();
        assertThat(put.get("stored").size()).isGreaterThan(0);
        JsonNode got = ok("GET", "/v1/items/" + target, null);
        assertThat(got.get("value").asText()).isEqualTo("hello items");
        assertThat(got.has("seq")).isFalse();

        Ed25519.RawKeyPair keys = Ed25519.generate(new SecureRandom());
        ItemSpec signed = ItemSpec.signed(keys, "profile", 3, "v3");
        JsonNode mutable = ok("PUT", "/v1/items", JSON.writeValueAsString(Map.of("value", signed.value(),
                "publicKey", signed.publicKey(), "signature", signed.signature(), "seq", 3, "salt", "profile")));
        JsonNode fetched = ok("GET", "/v1/items/" + mutable.get("target").asText() + "?salt=profile", null);
        assertThat(fetched.get("value").asText()).isEqualTo("v3");
        assertThat(fetched.get("seq").asLong()).isEqualTo(3);
        assertThat(fetched.get("publicKey").asText()).isEqualTo(signed.publicKey());

        String forged = JSON.writeValueAsString(Map.of("value", "v4", "publicKey", signed.publicKey(),
                "signature", signed.signature(), "seq", 4, "salt", "profile"));
        assertThat(error("PUT", "/v1/items", forged, 400, "bad_input").get("message").asText()).contains("signature");
        error("GET", "/v1/items/" + "ab".repeat(20), null, 404, "not_found");
    }

    @Test
    void theNodeDescribesItselfAndItsReplicas() throws Exception {
        JsonNode node = ok("GET", "/v1/node", null);
        assertThat(node.get("id").asText()).isEqualTo(cluster.nodes().get(0).id().toHex());
        assertThat(node.get("routing").get("contacts").asInt()).isGreaterThanOrEqualTo(7);
        assertThat(node.get("routing").get("cometContacts").asInt()).isGreaterThanOrEqualTo(7);
        // every node of 8 takes an object with 8 replicas, this one too, and loads it to run onPut
        ok("PUT", "/v1/objects/reported", body(Map.of("code", "aso.value = 'r'\nfunction onPut() comet.log('stored here') end", "replicas", 8)));
        JsonNode report = ok("GET", "/v1/node/objects/reported", null, OPERATOR);
        assertThat(report.get("key").asText()).isEqualTo(dev.comet.id.NodeId.ofKey("reported").toHex());
        assertThat(report.get("handlers").toString()).contains("onPut");
        assertThat(report.get("log").toString()).contains("stored here");
        assertThat(report.get("state").get("value").asText()).isEqualTo("r");
        assertThat(ok("GET", "/v1/node", null).get("store").get("records").asLong()).isGreaterThan(0);
        error("GET", "/v1/node/objects/never-stored", null, 404, "not_found", OPERATOR);
    }

    @Test
    void stateIsShownToTheOwnersSignedRequestAndTheOperatorOnly() throws Exception {
        Ed25519.RawKeyPair owner = Ed25519.generate(new SecureRandom());
        Ed25519.RawKeyPair stranger = Ed25519.generate(new SecureRandom());
        dev.comet.client.SignedObjectSpec signed = dev.comet.client.SignedObjectSpec.signed(owner, "diary", 1,
                new dev.comet.client.ObjectSpec(null, "aso.secret = 'owner only'\nfunction onPut() comet.log('kept') end",
                        8, null, null));
        ok("PUT", "/v1/signed-objects", signedBody(signed));
        String path = "/v1/node/signed-objects/" + signed.publicKey() + "?salt=diary";
        dev.comet.id.NodeId key = dev.comet.client.NodeOperations.signedKey(signed.publicKey(), "diary");

        JsonNode byOwner = ok("GET", path, null, SignedRequest.sign(owner, OwnerRequest.STATE, key).headers());
        assertThat(byOwner.get("state").get("secret").asText()).isEqualTo("owner only");
        assertThat(byOwner.get("log").toString()).contains("kept");
        assertThat(ok("GET", path, null, OPERATOR).get("state").get("secret").asText()).isEqualTo("owner only");

        assertThat(error("GET", path, null, 403, "forbidden").get("code").asInt()).as("no credentials").isEqualTo(346);
        assertThat(error("GET", path, null, 403, "forbidden", SignedRequest.sign(stranger, OwnerRequest.STATE, key).headers())
                .get("code").asInt()).isEqualTo(345);
        Map<String, String> once = SignedRequest.sign(owner, OwnerRequest.STATE, key).headers();
        ok("GET", path, null, once);
        assertThat(error("GET", path, null, 403, "forbidden", once).get("code").asInt()).as("replayed").isEqualTo(343);
        assertThat(error("GET", path, null, 403, "forbidden", Map.of("Authorization", "Bearer not-the-admin-token"))
                .get("code").asInt()).isEqualTo(912);
        // a delete request does not read state
        assertThat(error("GET", path, null, 400, "bad_input", SignedRequest.sign(owner, OwnerRequest.DELETE, key).headers())
                .get("code").asInt()).isEqualTo(206);

        // an unsigned object: the operator only
        ok("PUT", "/v1/objects/plain-state", body(Map.of("code", "aso.secret = 'operator only'\nfunction onPut() end",
                "replicas", 8)));
        assertThat(ok("GET", "/v1/node/objects/plain-state", null, OPERATOR).get("state").get("secret").asText())
                .isEqualTo("operator only");
        assertThat(error("GET", "/v1/node/objects/plain-state", null, 403, "forbidden").get("code").asInt()).isEqualTo(912);
        dev.comet.id.NodeId plain = dev.comet.id.NodeId.ofKey("plain-state");
        assertThat(error("GET", "/v1/node/objects/plain-state", null, 403, "forbidden",
                SignedRequest.sign(owner, OwnerRequest.STATE, plain).headers()).get("code").asInt()).isEqualTo(345);
    }

    @Test
    void aSignedObjectIsDeletedByItsOwnersSignedRequestOnly() throws Exception {
        Ed25519.RawKeyPair owner = Ed25519.generate(new SecureRandom());
        Ed25519.RawKeyPair stranger = Ed25519.generate(new SecureRandom());
        dev.comet.client.SignedObjectSpec signed = dev.comet.client.SignedObjectSpec.signed(owner, "doomed", 1,
                dev.comet.client.ObjectSpec.ofValue("v").withReplicas(3));
        ok("PUT", "/v1/signed-objects", signedBody(signed));
        String path = "/v1/signed-objects/" + signed.publicKey() + "?salt=doomed";
        dev.comet.id.NodeId key = dev.comet.client.NodeOperations.signedKey(signed.publicKey(), "doomed");

        assertThat(error("DELETE", path, null, 403, "forbidden").get("code").asInt()).isEqualTo(346);
        assertThat(error("DELETE", path, null, 403, "forbidden", SignedRequest.sign(stranger, OwnerRequest.DELETE, key)
                .headers()).get("code").asInt()).isEqualTo(345);
        assertThat(ok("GET", path, null).get("answers").get(0).get("value").asText()).isEqualTo("v");

        JsonNode deleted = ok("DELETE", path, null, SignedRequest.sign(owner, OwnerRequest.DELETE, key).headers());
        assertThat(deleted.get("stored")).hasSize(3);
        error("GET", path, null, 404, "not_found");
    }

    @Test
    void aWritersGuardedUpdateIsOrderedAndItsVersionsAreReadByNumberAndHash() throws Exception {
        Ed25519.RawKeyPair owner = Ed25519.generate(new SecureRandom());
        Ed25519.RawKeyPair writer = Ed25519.generate(new SecureRandom());
        Ed25519.RawKeyPair stranger = Ed25519.generate(new SecureRandom());
        dev.comet.client.SignedObjectSpec signed = dev.comet.client.SignedObjectSpec.signed(owner, "ledger", 1,
                java.util.List.of(HEX.formatHex(writer.publicKey())),
                dev.comet.client.ObjectSpec.ofValue("a").withReplicas(3));
        ok("PUT", "/v1/signed-objects", signedBody(signed));
        String object = "/v1/signed-objects/" + signed.publicKey();
        String updates = object + "/updates?salt=ledger";
        dev.comet.id.NodeId key = dev.comet.client.NodeOperations.signedKey(signed.publicKey(), "ledger");

        OwnerRequest append = SignedRequest.update(writer, key, program(null, "b"));
        JsonNode applied = ok("POST", updates, programBody(append), SignedRequest.of(append).headers());
        assertThat(applied.get("applied").asBoolean()).isTrue();
        assertThat(applied.get("clause").asInt()).isEqualTo(1);
        long v1 = applied.get("version").asLong();
        String hash = applied.get("hash").asText();
        assertThat(hash).hasSize(64);
        assertThat(applied.get("target").asText()).isEqualTo(key.toHex());
        assertThat(ok("GET", object + "?salt=ledger", null).get("answers").get(0).get("value").asText()).isEqualTo("ab");

        // no clause holds: not an error, the version held and clause 0
        OwnerRequest stale = SignedRequest.update(owner, key, program(v1 + 5, "x"));
        JsonNode aborted = ok("POST", updates, programBody(stale), SignedRequest.of(stale).headers());
        assertThat(aborted.get("applied").asBoolean()).isFalse();
        assertThat(aborted.get("clause").asInt()).isZero();
        assertThat(aborted.get("version").asLong()).isEqualTo(v1);
        assertThat(aborted.get("hash").asText()).isEqualTo(hash);

        OwnerRequest strangers = SignedRequest.update(stranger, key, program(null, "s"));
        assertThat(error("POST", updates, programBody(strangers), 403, "forbidden", SignedRequest.of(strangers).headers())
                .get("code").asInt()).isEqualTo(349);
        assertThat(error("POST", updates, programBody(append), 403, "forbidden", SignedRequest.of(append).headers())
                .get("code").asInt()).as("replayed").isEqualTo(343);
        assertThat(error("POST", updates, programBody(append), 403, "forbidden").get("code").asInt())
                .as("unsigned").isEqualTo(346);
        // the signature covers the program: another program under the same headers does not verify
        OwnerRequest signedForOne = SignedRequest.update(writer, key, program(null, "1"));
        OwnerRequest other = SignedRequest.update(writer, key, program(null, "2"));
        assertThat(error("POST", updates, programBody(other), 400, "bad_input", SignedRequest.of(signedForOne).headers())
                .get("code").asInt()).isEqualTo(206);
        Map<String, String> fresh = SignedRequest.of(SignedRequest.update(writer, key, program(null, "c"))).headers();
        assertThat(error("POST", updates, body(Map.of("program", "zz")), 400, "bad_input", fresh).get("code").asInt())
                .isEqualTo(905);
        assertThat(error("POST", updates, body(Map.of("program", "6c")), 400, "bad_input", fresh).get("code").asInt())
                .as("not an update program").isEqualTo(203);
        error("POST", updates, body(Map.of("program", "6c", "extra", 1)), 400, "bad_input", fresh);
        error("POST", updates, null, 400, "bad_input", fresh);
        error("POST", "/v1/signed-objects/xyz/updates?salt=ledger", programBody(append), 400, "bad_input",
                SignedRequest.of(append).headers());
        assertThat(ok("GET", object + "?salt=ledger", null).get("answers").get(0).get("value").asText()).isEqualTo("ab");

        JsonNode listed = ok("GET", object + "/versions?salt=ledger", null);
        JsonNode last = listed.get("versions").get(listed.get("versions").size() - 1);
        assertThat(last.get("version").asLong()).isEqualTo(v1);
        assertThat(last.get("hash").asText()).isEqualTo(hash);
        assertThat(last.get("size").asLong()).isEqualTo(2);
        assertThat(last.has("value")).isFalse();
        JsonNode byNumber = ok("GET", object + "/versions/" + v1 + "?salt=ledger", null);
        assertThat(byNumber.get("value").asText()).isEqualTo("ab");
        assertThat(byNumber.get("hash").asText()).isEqualTo(hash);
        JsonNode byHash = ok("GET", object + "/versions/sha256/" + hash + "?salt=ledger", null);
        assertThat(byHash.get("version").asLong()).isEqualTo(v1);
        assertThat(byHash.get("value").asText()).isEqualTo("ab");

        assertThat(error("GET", object + "/versions/" + (v1 + 9) + "?salt=ledger", null, 404, "not_found")
                .get("code").asInt()).isEqualTo(351);
        assertThat(error("GET", object + "/versions/sha256/" + "0".repeat(64) + "?salt=ledger", null, 404, "not_found")
                .get("code").asInt()).isEqualTo(351);
        error("GET", object + "/versions/seven?salt=ledger", null, 400, "bad_input");
        error("GET", object + "/versions/sha256/abc?salt=ledger", null, 400, "bad_input");
        error("GET", object + "/versions?salt=ledger&hash=" + hash, null, 400, "bad_input");
        error("GET", object + "/versions?salt=never-stored", null, 404, "not_found");
    }

    /** Appends {@code data} to the value, guarded by the version when {@code ifVersion} is given. */
    private static dev.comet.owned.UpdateProgram program(Long ifVersion, String data) {
        return dev.comet.owned.UpdateProgram.of(
                ifVersion == null ? java.util.List.of() : java.util.List.of(new dev.comet.owned.Guard.VersionIs(ifVersion)),
                java.util.List.of(new dev.comet.owned.Edit.Append(data.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    /** An update's body as the HTTP client sends it: the signed program bytes in hex. */
    private static String programBody(OwnerRequest update) throws Exception {
        return body(Map.of("program", HEX.formatHex(update.body())));
    }

    @Test
    void metricsAreInPrometheusText() throws Exception {
        // onPut runs on every replica, this gateway's node among the 8
        ok("PUT", "/v1/objects/counted", body(Map.of("code", "aso.value = 'c'\nfunction onPut() end", "replicas", 8)));
        ok("GET", "/v1/objects/counted", null);
        HttpResponse<String> r = HttpCheck.send(url, "GET", "/metrics", null);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
        assertThat(r.body())
                .contains("comet_rpc_messages_total{direction=\"out\",outcome=\"query\"}")
                .contains("comet_rpc_queries_received_total{method=\"comet_put\"}")
                .contains("comet_lookups_finished_total")
                .contains("comet_lookup_hops_total")
                .contains("comet_store_records")
                .contains("comet_store_bytes")
                .contains("comet_handler_invocations_total")
                .contains("comet_handler_instructions_total")
                .contains("comet_handler_errors_total")
                .contains("comet_internal_errors_total")
                .contains("comet_rpc_messages_total{direction=\"in\",outcome=\"forged\"}")
                .contains("comet_guard_dropped_total{reason=\"source_rate\"}")
                .contains("comet_guard_dropped_total{reason=\"banned\"}")
                .contains("comet_guard_dropped_total{reason=\"reply_unverified\"}")
                .contains("comet_guard_bans_total{reason=\"flood\"}")
                .contains("comet_guard_bans_total{reason=\"id_change\"}")
                .contains("comet_guard_banned_sources")
                .contains("comet_fragments_messages_total")
                .contains("comet_fragments_reassembled_total")
                .contains("comet_fragments_dropped_total")
                .contains("comet_fragments_buffered_bytes")
                .contains("comet_gateway_requests_seconds_count{method=\"PUT\",route=\"/v1/objects/<key>\",status=\"200\"}");
        assertThat(metric(r.body(), "comet_handler_invocations_total")).isGreaterThan(0);
        assertThat(metric(r.body(), "comet_store_records")).isGreaterThan(0);
    }

    @Test
    void aFullGatewayAnswersTooManyRequests() throws Exception {
        int slots = gateway.inFlight().availablePermits();
        gateway.inFlight().acquire(slots);
        try {
            HttpResponse<String> r = HttpCheck.send(url, "GET", "/v1/node", null);
            assertThat(r.headers().firstValue("Retry-After")).contains("1");
            assertThat(HttpCheck.errorBody(r, 429, "rate_limited").get("name").asText()).isEqualTo("OVERLOADED");
        } finally {
            gateway.inFlight().release(slots);
        }
        ok("GET", "/v1/node", null);
    }

    static double metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static JsonNode ok(String method, String path, String body) throws Exception {
        return ok(method, path, body, Map.of());
    }

    private static JsonNode ok(String method, String path, String body, Map<String, String> headers) throws Exception {
        HttpResponse<String> r = HttpCheck.send(url, method, path, body, headers);
        assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(200);
        return JSON.readTree(r.body());
    }

    private static JsonNode error(String method, String path, String body, int status, String error) throws Exception {
        return error(method, path, body, status, error, Map.of());
    }

    private static JsonNode error(String method, String path, String body, int status, String error,
                                  Map<String, String> headers) throws Exception {
        return HttpCheck.errorBody(HttpCheck.send(url, method, path, body, headers), status, error);
    }

    /** A signed object as the HTTP client sends it: fields left null are left out. */
    private static String signedBody(dev.comet.client.SignedObjectSpec spec) throws Exception {
        return new ObjectMapper().setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
                .writeValueAsString(spec);
    }

    static String body(Map<String, ?> fields) throws Exception {
        return JSON.writeValueAsString(fields);
    }
}
