import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServerOptions;

/**
 * The bare Vert.x baseline of the ingest benchmark (bench/run.sh): one HttpServer that reads the whole
 * request body and answers 200 with an empty body, on the vertx-core and netty jars the service ships.
 * It also serves as the fast webhook sink the benchmark's rules post to (a second process on another port).
 *
 *   java -cp <vertx-core + netty jars>:bench/target/classes BareServer PORT
 *
 * Event loops: Vert.x's default (2 x available processors), as in the service; bound to 127.0.0.1.
 */
public final class BareServer {

    public static void main(String[] args) {
        int port = Integer.parseInt(args[0]);
        Vertx vertx = Vertx.vertx(new VertxOptions());
        int instances = VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE;
        for (int i = 0; i < instances; i++) {
            // One server per event loop, sharing the port: how Quarkus spreads its HTTP server too.
            vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                    .requestHandler(req -> req.body().onComplete(body -> {
                        if (body.succeeded()) {
                            req.response().setStatusCode(200).end();
                        } else {
                            req.response().setStatusCode(400).end();
                        }
                    }))
                    .listen()
                    .onFailure(t -> {
                        System.err.println("BareServer: cannot listen on 127.0.0.1:" + port + ": " + t);
                        System.exit(1);
                    });
        }
        System.out.println("BareServer listening on 127.0.0.1:" + port + " with " + instances + " event loop(s)");
    }
}
