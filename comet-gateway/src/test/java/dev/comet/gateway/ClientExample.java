package dev.comet.gateway;

import dev.comet.client.ApiError;
import dev.comet.client.CometClient;
import dev.comet.client.CometClientException;
import dev.comet.client.EmbeddedCometClient;
import dev.comet.client.HttpCometClient;
import dev.comet.client.ObjectSpec;

import java.net.URI;
import java.util.Map;

/** The example of docs/client-example.md, compiled and run by ClientExampleTest so the page stays true. */
public final class ClientExample {
    private ClientExample() {
    }

    /** With an argument (a gateway URL such as http://127.0.0.1:8080) over HTTP; without, an embedded node. */
    public static void main(String[] args) {
        // example:start
        try (CometClient comet = args.length > 0
                ? new HttpCometClient(URI.create(args[0]))   // a node's gateway
                : EmbeddedCometClient.alone()) {             // or a node in this JVM, alone
            // a plain value
            comet.put("greeting", ObjectSpec.ofValue("Hello world!"));
            System.out.println(comet.get("greeting").value());            // Hello world!

            // an object with a handler: onGet counts the reads this replica served
            comet.put("counter", ObjectSpec.ofCode("""
                    aso.count = 0
                    function onGet()
                      self.count = self.count + 1
                      return self.count
                    end
                    """).withReplicas(3));
            comet.get("counter");
            System.out.println(comet.get("counter").value());             // 2

            // arguments reach onGet; a handler's error is a refusal
            comet.put("vault", ObjectSpec.ofCode("""
                    aso.value = "gold"
                    function onGet(caller, args)
                      if args.pin ~= "1234" then error("wrong pin", 0) end
                      return self.value
                    end
                    """));
            System.out.println(comet.get("vault", Map.of("pin", "1234"), false).value()); // gold
            try {
                comet.get("vault", Map.of("pin", "0000"), false);
            } catch (CometClientException e) {
                System.out.println(e.error());                            // REFUSED (the message says why)
                System.out.println(e.code().code() + " " + e.code());     // 330 HANDLER_REFUSED (docs/errors.md)
            }

            comet.delete("greeting");
            try {
                comet.get("greeting");
            } catch (CometClientException e) {
                System.out.println(e.error() == ApiError.NOT_FOUND);      // true
            }
        }
        // example:end
    }
}
