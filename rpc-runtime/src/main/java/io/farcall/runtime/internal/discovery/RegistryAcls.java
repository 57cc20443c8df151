package io.farcall.runtime.internal.discovery;

import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Stat;

/**
 * The ACLs of a registry with {@code registryacl=on}: every node it creates may be changed only by
 * the identities its creator authenticated as (digest or SASL), and read by anyone, so consumers
 * need no credentials. Nodes that exist already with a more open ACL (from before ACLs were on) are
 * closed to the same before a provider registers under them.
 */
final class RegistryAcls implements ACLProvider {
  private static final Logger LOG = LogManager.getLogger(RegistryAcls.class);

  /** Not {@code List.of}: ZooKeeper asks the list whether it contains null. */
  static final List<ACL> SECURED =
      java.util.Collections.unmodifiableList(
          java.util.Arrays.asList(
              new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS),
              new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE)));

  @Override
  public List<ACL> getDefaultAcl() {
    return SECURED;
  }

  @Override
  public List<ACL> getAclForPath(String path) {
    return SECURED;
  }

  /**
   * Closes {@code path}, if it exists and lets anyone more than read it, to {@link #SECURED}.
   *
   * @throws IllegalStateException if it is open and this client may not change its ACL
   */
  static void close(CuratorFramework client, String path) throws Exception {
    Stat stat = new Stat();
    List<ACL> acl;
    try {
      acl = client.getACL().storingStatIn(stat).forPath(path);
    } catch (KeeperException.NoNodeException e) {
      return; // created with SECURED when the instance is registered
    }
    boolean open =
        acl.stream()
            .anyMatch(
                a ->
                    a.getId().equals(ZooDefs.Ids.ANYONE_ID_UNSAFE)
                        && (a.getPerms() & ~ZooDefs.Perms.READ) != 0);
    if (!open) {
      return;
    }
    try {
      client.setACL().withVersion(stat.getAversion()).withACL(SECURED).forPath(path);
      LOG.warn(
          "{} let anyone change it ({}); closed it to this provider's ZooKeeper identity, read for"
              + " anyone",
          path,
          acl);
    } catch (KeeperException.NoAuthException e) {
      throw new IllegalStateException(
          "registryacl: "
              + path
              + " lets anyone write, and this provider may not change its ACL ("
              + acl
              + ")",
          e);
    }
  }
}
