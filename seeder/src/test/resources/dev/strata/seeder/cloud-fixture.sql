-- A small cloud for the seeder's tests: a schema at 4.22.0 (the bundle in the tests is 4.22.0.0),
-- three zones with clusters of several hypervisors and architectures, NFS and S3 image stores,
-- the settings the seeder moves, and the 4.20 system templates an upgrade starts from.

INSERT INTO `version` (version, updated, step) VALUES
  ('4.0.0', '2025-01-01 00:00:00', 'Complete'),
  ('4.20.0.0', '2025-06-01 00:00:00', 'Complete'),
  ('4.22.0.0', '2026-01-01 00:00:00', 'Complete');

INSERT INTO `data_center` (id, name, uuid, dns1, internal_dns1, networktype) VALUES
  (1, 'zone-a', 'a0000000-0000-0000-0000-000000000001', '8.8.8.8', '10.0.0.1', 'Advanced'),
  (2, 'zone-b', 'a0000000-0000-0000-0000-000000000002', '8.8.8.8', '10.0.0.1', 'Advanced'),
  (3, 'zone-s3', 'a0000000-0000-0000-0000-000000000003', '8.8.8.8', '10.0.0.1', 'Advanced'),
  (4, 'zone-empty', 'a0000000-0000-0000-0000-000000000004', '8.8.8.8', '10.0.0.1', 'Advanced');

-- zone-a: KVM x86_64 and VMware; zone-b: XenServer and KVM aarch64 (and a removed Ovm3 cluster);
-- zone-s3: KVM x86_64 on an S3 store; zone-empty: a store but no clusters; an External cluster.
INSERT INTO `cluster` (id, name, uuid, pod_id, data_center_id, hypervisor_type, arch, removed) VALUES
  (1, 'a-kvm', 'c1', 1, 1, 'KVM', 'x86_64', NULL),
  (2, 'a-kvm-2', 'c2', 1, 1, 'KVM', 'x86_64', NULL),
  (3, 'a-vmware', 'c3', 1, 1, 'VMware', 'x86_64', NULL),
  (4, 'b-xen', 'c4', 2, 2, 'XenServer', 'x86_64', NULL),
  (5, 'b-kvm-arm', 'c5', 2, 2, 'KVM', 'aarch64', NULL),
  (6, 'b-ovm-gone', 'c6', 2, 2, 'Ovm3', 'x86_64', '2025-02-01 00:00:00'),
  (7, 's3-kvm', 'c7', 3, 3, 'KVM', 'x86_64', NULL),
  (8, 'a-external', 'c8', 1, 1, 'External', 'x86_64', NULL);

INSERT INTO `image_store` (id, name, image_provider_name, protocol, url, data_center_id, scope, role, uuid, created, removed, readonly) VALUES
  (1, 'nfs-a', 'NFS', 'nfs', 'nfs://nfs-a.test/export/secondary', 1, 'ZONE', 'Image', 's1', '2025-01-01 00:00:00', NULL, 0),
  (2, 'nfs-b', 'NFS', 'nfs', 'nfs://10.0.2.5/export/b', 2, 'ZONE', 'Image', 's2', '2025-01-01 00:00:00', NULL, 0),
  (3, 's3', 'S3', 'https', 'https://s3.test/bucket', 3, 'REGION', 'Image', 's3', '2025-01-01 00:00:00', NULL, 0),
  (4, 'nfs-empty', 'NFS', 'nfs', 'nfs://nfs-e.test/export/e', 4, 'ZONE', 'Image', 's4', '2025-01-01 00:00:00', NULL, 0),
  (5, 'nfs-a-old', 'NFS', 'nfs', 'nfs://nfs-old.test/export/old', 1, 'ZONE', 'Image', 's5', '2025-01-01 00:00:00', '2025-03-01 00:00:00', 0),
  (6, 'nfs-b-ro', 'NFS', 'nfs', 'nfs://nfs-ro.test/export/ro', 2, 'ZONE', 'Image', 's6', '2025-01-01 00:00:00', NULL, 1);

INSERT INTO `image_store_details` (store_id, name, value) VALUES (2, 'secstorage.nfs.version', '4.1');

INSERT INTO `guest_os` (id, category_id, name, uuid, display_name) VALUES
  (99, 7, NULL, 'g99', 'Other Linux (64-bit)'),
  (363, 2, NULL, 'g363', 'Debian GNU/Linux 12 (64-bit)');

INSERT INTO `configuration` (category, instance, component, name, value, description, default_value) VALUES
  ('Advanced', 'DEFAULT', 'management-server', 'router.template.kvm', 'SystemVM Template (KVM)', 'Name of the default router template on KVM.', 'SystemVM Template (KVM)'),
  ('Advanced', 'DEFAULT', 'management-server', 'router.template.vmware', 'SystemVM Template (vSphere)', 'Name of the default router template on Vmware.', 'SystemVM Template (vSphere)'),
  ('Advanced', 'DEFAULT', 'management-server', 'router.template.xenserver', 'SystemVM Template (XenServer)', 'Name of the default router template on Xenserver.', 'SystemVM Template (XenServer)'),
  ('Advanced', 'DEFAULT', 'management-server', 'router.template.hyperv', 'SystemVM Template (HyperV)', 'Name of the default router template on Hyperv.', 'SystemVM Template (HyperV)'),
  ('Advanced', 'DEFAULT', 'management-server', 'router.template.lxc', 'SystemVM Template (LXC)', 'Name of the default router template on LXC.', 'SystemVM Template (LXC)'),
  ('Advanced', 'DEFAULT', 'management-server', 'router.template.ovm3', 'SystemVM Template (Ovm3)', 'Name of the default router template on Ovm3.', 'SystemVM Template (Ovm3)'),
  ('Advanced', 'DEFAULT', 'management-server', 'minreq.sysvmtemplate.version', '4.20.0', 'Minimum required system VM template version', '4.20.0'),
  ('Advanced', 'DEFAULT', 'management-server', 'secstorage.nfs.version', NULL, 'Enforces specific NFS version when mounting Secondary Storage.', NULL);

INSERT INTO `data_center_details` (dc_id, name, value) VALUES
  (1, 'router.template.kvm', 'zone-a-pinned-template'),
  (4, 'router.template.kvm', 'zone-empty-pinned-template');

-- 4.20 system templates; Hyper-V is not in use, so it only gets its url/checksum refreshed.
INSERT INTO `vm_template` (id, unique_name, name, uuid, public, featured, type, hvm, bits, url, format, created, account_id, checksum, display_text, enable_password, guest_os_id, cross_zones, hypervisor_type, state, size, arch) VALUES
  (1, 'routing-1', 'systemvm-kvm-4.20.0-x86_64', 't1', 0, 0, 'SYSTEM', 1, 64, 'https://download.test/4.20/systemvmtemplate-4.20.0-x86_64-kvm.qcow2.bz2', 'QCOW2', '2025-06-01 00:00:00', 1, '{SHA-512}00', 'systemvm-kvm-4.20.0-x86_64', 0, 363, 1, 'KVM', 'Active', 5368709120, 'x86_64'),
  (2, 'routing-2', 'systemvm-hyperv-4.20.0', 't2', 0, 0, 'SYSTEM', 1, 64, 'https://download.test/4.20/systemvmtemplate-4.20.0-x86_64-hyperv.vhd.zip', 'VHD', '2025-06-01 00:00:00', 1, '{SHA-512}00', 'systemvm-hyperv-4.20.0', 0, 15, 1, 'Hyperv', 'Active', 5368709120, 'x86_64'),
  (200, 'user-200', 'a user template', 't200', 1, 0, 'USER', 1, 64, 'https://example.test/u.qcow2', 'QCOW2', '2025-06-01 00:00:00', 2, NULL, 'user', 1, 363, 0, 'KVM', 'Active', 1000, 'x86_64');

INSERT INTO `vm_instance` (id, name, uuid, instance_name, state, vm_template_id, guest_os_id, data_center_id, created, type, vm_type, account_id, domain_id, service_offering_id, hypervisor_type) VALUES
  (1, 'r-1-VM', 'v1', 'r-1-VM', 'Running', 1, 363, 1, '2025-06-01 00:00:00', 'DomainRouter', 'DomainRouter', 1, 1, 1, 'KVM'),
  (2, 's-2-VM', 'v2', 's-2-VM', 'Running', 1, 363, 1, '2025-06-01 00:00:00', 'SecondaryStorageVm', 'SecondaryStorageVm', 1, 1, 1, 'KVM'),
  (3, 'i-3-VM', 'v3', 'i-3-VM', 'Running', 200, 363, 1, '2025-06-01 00:00:00', 'User', 'User', 2, 1, 1, 'KVM');
