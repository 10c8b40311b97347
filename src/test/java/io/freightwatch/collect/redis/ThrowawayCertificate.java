package io.freightwatch.collect.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 made with the JDK's keytool, written as the PEM files a
 * TLS server needs: {@code cert.pem} (also the trusted authority for clients) and {@code key.pem}
 * (PKCS#8).
 */
record ThrowawayCertificate(Path certificate, Path privateKey) {

  private static final char[] STORE_PASSWORD = "throwaway".toCharArray();

  static ThrowawayCertificate create(Path directory)
      throws IOException, InterruptedException, GeneralSecurityException {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path store = directory.resolve("server.p12");
    run(List.of(keytool.toString(), "-genkeypair", "-alias", "redis", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1",
        "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
        "-storepass", new String(STORE_PASSWORD)));
    KeyStore keyStore = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keyStore.load(in, STORE_PASSWORD);
    }
    PrivateKey key = (PrivateKey) keyStore.getKey("redis", STORE_PASSWORD);
    Path certificate = directory.resolve("cert.pem");
    Path privateKey = directory.resolve("key.pem");
    Files.writeString(certificate,
        pem("CERTIFICATE", keyStore.getCertificate("redis").getEncoded()));
    Files.writeString(privateKey, pem("PRIVATE KEY", key.getEncoded()));
    return new ThrowawayCertificate(certificate, privateKey);
  }

  private static String pem(String type, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der);
    return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
  }

  private static void run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IOException("keytool failed: " + output);
    }
  }
}
