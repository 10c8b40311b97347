package io.freightwatch.bench;

import io.freightwatch.lab.AgentConfigFile;
import io.freightwatch.lab.Lab;
import io.freightwatch.lab.LabOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts the same lab as benchmark 3 (on free ports, with the workload) and writes the agent
 * configuration benchmark 3 uses, then keeps the lab running until its standard input closes or the process is interrupted. The
 * agent is started by hand against the written file, as often as a profiling session needs,
 * without paying for a new lab each time.
 *
 * <p>Arguments: the lab directory, the number of tenant databases, the interval in seconds, the
 * agent's listen port and the agent's connection cap. See bench/profile-lab.sh.
 */
public final class ProfilingLab {

  private ProfilingLab() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int tenants = Integer.parseInt(args[1]);
    Duration interval = Duration.ofSeconds(Long.parseLong(args[2]));
    int agentPort = Integer.parseInt(args[3]);
    int connectionCap = Integer.parseInt(args[4]);
    Files.createDirectories(dir);
    Lab lab = Lab.start(LabOptions.withFreePorts(dir.resolve("lab")).withTenants(tenants));
    // Ctrl-C skips the end of main, so the hook stops PostgreSQL and Redis then as well.
    Thread stop = new Thread(lab::close, "profiling-lab-shutdown");
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      Path config = dir.resolve("freightwatch.yaml");
      lab.writeAgentConfig(config, new AgentConfigFile("127.0.0.1:" + agentPort, interval,
          Path.of(System.getProperty("user.dir")).resolve("alert-rules"), "http://127.0.0.1:9/"));
      Files.writeString(config, Files.readString(config).replace("agent:\n",
          "agent:\n  max_database_connections: " + connectionCap + "\n"));
      System.out.println("profiling-lab: ready config=" + config);
      System.out.flush();
      while (System.in.read() >= 0) {
        // Runs until standard input closes, then the lab stops.
      }
    } finally {
      Runtime.getRuntime().removeShutdownHook(stop);
      lab.close();
    }
  }
}
