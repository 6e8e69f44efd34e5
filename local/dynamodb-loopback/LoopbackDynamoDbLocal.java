// DynamoDB Local bound to 127.0.0.1 only. The jar's own main (ServerRunner) binds its Jetty
// server to every interface and has no host option, so this launcher builds the server from the
// same command-line arguments, points its connectors at the loopback address and starts it.
// Run in source-file mode (`java -cp DynamoDBLocal.jar LoopbackDynamoDbLocal.java -port N ...`),
// so nothing is compiled into the repository. Telemetry is never configured, so none is sent.
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public class LoopbackDynamoDbLocal {
  static final String LOOPBACK = "127.0.0.1";

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Server jetty = jettyOf(proxy);
    Connector[] connectors = jetty.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local's Jetty server has no connector");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector)) {
        throw new IllegalStateException("unexpected connector " + connector.getClass().getName() + "; cannot bind it to " + LOOPBACK);
      }
      ((ServerConnector) connector).setHost(LOOPBACK);
    }
    // safeStart, unlike start, lets a bind failure end the process instead of printing it and idling.
    proxy.safeStart();
    for (Connector connector : connectors) {
      ServerConnector bound = (ServerConnector) connector;
      System.out.println("DynamoDB Local listening on " + bound.getHost() + ":" + bound.getLocalPort());
    }
    proxy.join();
  }

  /** The Jetty server DynamoDBProxyServer keeps in a private field (the jar offers no accessor). */
  static Server jettyOf(DynamoDBProxyServer proxy) throws ReflectiveOperationException {
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    return (Server) field.get(proxy);
  }
}
