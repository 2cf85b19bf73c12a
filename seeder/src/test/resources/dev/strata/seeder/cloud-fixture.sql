-- The seeder's test cloud, written into CloudStack 4.22's real schema and rows (schema.sql +
-- data.sql from ../shared/reference/cloudstack-db), with what the server's Java code adds at
-- first start and upgrade (version rows, ROOT domain, system/admin accounts, system offerings,
-- the ConfigDepot row minreq.sysvmtemplate.version) and what an operator's cloud holds: zones,
-- pods, clusters of several hypervisors and architectures, NFS image stores and a REGION-wide S3
-- store (as addImageStoreS3 writes it: no zone), the 4.20 system templates (registered by the
-- server: row id from AUTO_INCREMENT, unique_name from sequence.vm_template_seq), user templates
-- (registered through the API: id from the sequence), and the system VMs of every kind.
-- Foreign keys are checked while this runs, as in CloudStack.

INSERT INTO `version` (version, updated, step) VALUES
  ('4.1.0', '2024-01-01 00:00:00', 'Complete'), ('4.2.0', '2024-01-01 00:00:00', 'Complete'),
  ('4.17.0.0', '2024-01-01 00:00:00', 'Complete'), ('4.18.0.0', '2024-06-01 00:00:00', 'Complete'),
  ('4.19.0.0', '2025-01-01 00:00:00', 'Complete'), ('4.20.0.0', '2025-06-01 00:00:00', 'Complete'),
  ('4.21.0.0', '2025-09-01 00:00:00', 'Complete'), ('4.22.0.0', '2026-01-01 00:00:00', 'Complete');

INSERT INTO `domain` (id, parent, name, uuid, owner, path, level, state) VALUES
  (1, NULL, 'ROOT', 'd0000000-0000-0000-0000-000000000001', 2, '/', 0, 'Active');
INSERT INTO `account` (id, account_name, uuid, type, domain_id, state) VALUES
  (1, 'system', 'ac000000-0000-0000-0000-000000000001', 1, 1, 'enabled'),
  (2, 'admin', 'ac000000-0000-0000-0000-000000000002', 1, 1, 'enabled');
INSERT INTO `disk_offering` (id, name, uuid, disk_size, created) VALUES
  (1, 'System Offering For Software Router', 'do000001', 0, '2025-01-01 00:00:00');
INSERT INTO `service_offering` (id, name, uuid, cpu, speed, ram_size, disk_offering_id, system_use, vm_type) VALUES
  (1, 'System Offering For Software Router', 'so000001', 1, 500, 512, 1, 1, 'domainrouter');

-- The ConfigDepot row the server creates when it first reads the key (not in data.sql).
INSERT INTO `configuration` (category, instance, component, name, value, description, default_value, scope, is_dynamic) VALUES
  ('Advanced', 'DEFAULT', 'SystemVmTemplateRegistration', 'minreq.sysvmtemplate.version', '4.20.0',
   'Minimum system VM template version', NULL, NULL, 0);
UPDATE `configuration` SET value = 'systemvm-kvm-4.20.0-x86_64' WHERE name = 'router.template.kvm';
UPDATE `configuration` SET value = 'systemvm-vmware-4.20.0-x86_64' WHERE name = 'router.template.vmware';
UPDATE `configuration` SET value = 'systemvm-xenserver-4.20.0-x86_64' WHERE name = 'router.template.xenserver';

INSERT INTO `data_center` (id, name, uuid, dns1, internal_dns1, networktype) VALUES
  (1, 'zone-a', 'a0000000-0000-0000-0000-000000000001', '8.8.8.8', '10.0.0.1', 'Advanced'),
  (2, 'zone-b', 'a0000000-0000-0000-0000-000000000002', '8.8.8.8', '10.0.0.1', 'Advanced'),
  (3, 'zone-s3', 'a0000000-0000-0000-0000-000000000003', '8.8.8.8', '10.0.0.1', 'Advanced'),
  (4, 'zone-empty', 'a0000000-0000-0000-0000-000000000004', '8.8.8.8', '10.0.0.1', 'Advanced');

INSERT INTO `host_pod_ref` (id, name, uuid, data_center_id, gateway, cidr_address, cidr_size, description) VALUES
  (1, 'pod-a', 'p1', 1, '10.1.0.1', '10.1.0.0', 24, ''), (2, 'pod-b', 'p2', 2, '10.2.0.1', '10.2.0.0', 24, ''),
  (3, 'pod-s3', 'p3', 3, '10.3.0.1', '10.3.0.0', 24, '');

-- zone-a: KVM x86_64 and VMware; zone-b: XenServer and KVM aarch64 (and a removed Ovm3 cluster);
-- zone-s3: KVM x86_64, its only image store the region's S3; zone-empty: a store but no clusters;
-- an External cluster (never gets a system VM template).
INSERT INTO `cluster` (id, name, uuid, pod_id, data_center_id, hypervisor_type, cluster_type, allocation_state, arch, removed) VALUES
  (1, 'a-kvm', 'c1', 1, 1, 'KVM', 'CloudManaged', 'Enabled', 'x86_64', NULL),
  (2, 'a-kvm-2', 'c2', 1, 1, 'KVM', 'CloudManaged', 'Enabled', 'x86_64', NULL),
  (3, 'a-vmware', 'c3', 1, 1, 'VMware', 'ExternalManaged', 'Enabled', 'x86_64', NULL),
  (4, 'b-xen', 'c4', 2, 2, 'XenServer', 'CloudManaged', 'Enabled', 'x86_64', NULL),
  (5, 'b-kvm-arm', 'c5', 2, 2, 'KVM', 'CloudManaged', 'Enabled', 'aarch64', NULL),
  (6, 'b-ovm-gone', 'c6', 2, 2, 'Ovm3', 'CloudManaged', 'Enabled', 'x86_64', '2025-02-01 00:00:00'),
  (7, 's3-kvm', 'c7', 3, 3, 'KVM', 'CloudManaged', 'Enabled', 'x86_64', NULL),
  (8, 'a-external', 'c8', 1, 1, 'External', 'CloudManaged', 'Enabled', 'x86_64', NULL);

-- Three NFS stores in use (1, 2, 4), a removed one, a read-only one, and S3 with REGION scope.
INSERT INTO `image_store` (id, name, image_provider_name, protocol, url, data_center_id, scope, role, uuid, created, removed, readonly) VALUES
  (1, 'nfs-a', 'NFS', 'nfs', 'nfs://nfs-a.test/export/secondary', 1, 'ZONE', 'Image', 's1', '2025-01-01 00:00:00', NULL, 0),
  (2, 'nfs-b', 'NFS', 'nfs', 'nfs://10.0.2.5/export/b', 2, 'ZONE', 'Image', 's2', '2025-01-01 00:00:00', NULL, 0),
  (3, 's3', 'S3', 'https', 'https://s3.test/bucket', NULL, 'REGION', 'Image', 's3', '2025-01-01 00:00:00', NULL, 0),
  (4, 'nfs-empty', 'NFS', 'nfs', 'nfs://nfs-e.test/export/e', 4, 'ZONE', 'Image', 's4', '2025-01-01 00:00:00', NULL, 0),
  (5, 'nfs-a-old', 'NFS', 'nfs', 'nfs://nfs-old.test/export/old', 1, 'ZONE', 'Image', 's5', '2025-01-01 00:00:00', '2025-03-01 00:00:00', 0),
  (6, 'nfs-b-ro', 'NFS', 'nfs', 'nfs://nfs-ro.test/export/ro', 2, 'ZONE', 'Image', 's6', '2025-01-01 00:00:00', NULL, 1);

INSERT INTO `image_store_details` (store_id, name, value) VALUES (2, 'secstorage.nfs.version', '4.1');

-- Operators' per-zone choices (read with valueIn(zoneId)); the server's registration leaves them.
INSERT INTO `data_center_details` (dc_id, name, value) VALUES
  (1, 'router.template.kvm', 'zone-a-pinned-template'),
  (4, 'router.template.kvm', 'zone-empty-pinned-template'),
  (2, 'minreq.sysvmtemplate.version', '4.20.0');

-- 4.20 system templates, as the 4.20 server registered them: id from AUTO_INCREMENT (13, 14, 15),
-- unique_name from vm_template_seq (200..202). Hyper-V (16) is not in use: url/checksum refresh only.
INSERT INTO `vm_template` (id, unique_name, name, uuid, public, featured, type, hvm, bits, url, format, created, account_id, checksum, display_text, enable_password, guest_os_id, cross_zones, extractable, hypervisor_type, state, update_count, size, arch) VALUES
  (13, 'routing-200', 'systemvm-kvm-4.20.0-x86_64', 't13', 0, 0, 'SYSTEM', 1, 64, 'https://download.test/4.20/systemvmtemplate-4.20.0-x86_64-kvm.qcow2.bz2', 'QCOW2', '2025-06-01 00:00:00', 1, '{SHA-512}00', 'systemvm-kvm-4.20.0-x86_64', 0, 322, 1, 1, 'KVM', 'Active', 0, 5368709120, 'x86_64'),
  (14, 'routing-201', 'systemvm-vmware-4.20.0-x86_64', 't14', 0, 0, 'SYSTEM', 1, 64, 'https://download.test/4.20/systemvmtemplate-4.20.0-x86_64-vmware.ova', 'OVA', '2025-06-01 00:00:00', 1, '{SHA-512}00', 'systemvm-vmware-4.20.0-x86_64', 0, 99, 1, 1, 'VMware', 'Active', 0, 5368709120, 'x86_64'),
  (15, 'routing-202', 'systemvm-xenserver-4.20.0-x86_64', 't15', 0, 0, 'SYSTEM', 1, 64, 'https://download.test/4.20/systemvmtemplate-4.20.0-x86_64-xen.vhd.bz2', 'VHD', '2025-06-01 00:00:00', 1, '{SHA-512}00', 'systemvm-xenserver-4.20.0-x86_64', 0, 99, 1, 1, 'XenServer', 'Active', 0, 5368709120, 'x86_64'),
  (16, 'routing-203', 'systemvm-hyperv-4.20.0-x86_64', 't16', 0, 0, 'SYSTEM', 1, 64, 'https://download.test/4.20/systemvmtemplate-4.20.0-x86_64-hyperv.vhd.zip', 'VHD', '2025-06-01 00:00:00', 1, '{SHA-512}00', 'systemvm-hyperv-4.20.0-x86_64', 0, 15, 1, 1, 'Hyperv', 'Active', 0, 5368709120, 'x86_64');
-- User templates through the API: ids 204 and 205 from the sequence, which then stands at 206.
INSERT INTO `vm_template` (id, unique_name, name, uuid, public, featured, type, hvm, bits, url, format, created, account_id, checksum, display_text, enable_password, guest_os_id, cross_zones, extractable, hypervisor_type, state, update_count, size, arch) VALUES
  (204, '2a2b7d3c-u204', 'a user template', 't204', 1, 0, 'USER', 1, 64, 'https://example.test/u.qcow2', 'QCOW2', '2025-06-01 00:00:00', 2, NULL, 'user', 1, 322, 0, 1, 'KVM', 'Active', 0, 1000, 'x86_64'),
  (205, '2a2b7d3c-u205', 'another user template', 't205', 1, 0, 'USER', 1, 64, 'https://example.test/v.ova', 'OVA', '2025-06-01 00:00:00', 2, NULL, 'user', 1, 99, 0, 1, 'VMware', 'Active', 0, 1000, 'x86_64');
UPDATE `sequence` SET value = 206 WHERE name = 'vm_template_seq';

INSERT INTO `template_zone_ref` (zone_id, template_id, created, last_updated) VALUES
  (1, 13, '2025-06-01 00:00:00', '2025-06-01 00:00:00'), (2, 13, '2025-06-01 00:00:00', '2025-06-01 00:00:00'),
  (3, 13, '2025-06-01 00:00:00', '2025-06-01 00:00:00'), (4, 13, '2025-06-01 00:00:00', '2025-06-01 00:00:00');

-- System VMs of every kind (and a user VM), on the 4.20 templates. vm_type as the server writes it.
INSERT INTO `vm_instance` (id, name, uuid, instance_name, state, vm_template_id, guest_os_id, data_center_id, vnc_password, created, type, vm_type, account_id, domain_id, service_offering_id, hypervisor_type) VALUES
  (1, 'r-1-VM', 'v1', 'r-1-VM', 'Running', 13, 322, 1, 'x', '2025-06-01 00:00:00', 'DomainRouter', 'DomainRouter', 1, 1, 1, 'KVM'),
  (2, 's-2-VM', 'v2', 's-2-VM', 'Running', 13, 322, 1, 'x', '2025-06-01 00:00:00', 'SecondaryStorageVm', 'SecondaryStorageVm', 1, 1, 1, 'KVM'),
  (3, 'i-3-VM', 'v3', 'i-3-VM', 'Running', 204, 322, 1, 'x', '2025-06-01 00:00:00', 'User', 'User', 2, 1, 1, 'KVM'),
  (4, 'v-4-VM', 'v4', 'v-4-VM', 'Running', 13, 322, 1, 'x', '2025-06-01 00:00:00', 'ConsoleProxy', 'ConsoleProxy', 1, 1, 1, 'KVM'),
  (5, 'b-5-VM', 'v5', 'b-5-VM', 'Running', 13, 322, 1, 'x', '2025-06-01 00:00:00', 'InternalLoadBalancerVm', 'InternalLoadBalancerVm', 1, 1, 1, 'KVM'),
  (6, 'l-6-VM', 'v6', 'l-6-VM', 'Running', 13, 322, 1, 'x', '2025-06-01 00:00:00', 'ElasticLoadBalancerVm', 'ElasticLoadBalancerVm', 1, 1, 1, 'KVM'),
  (7, 'e-7-VM', 'v7', 'e-7-VM', 'Stopped', 13, 322, 1, 'x', '2025-06-01 00:00:00', 'ElasticIpVm', 'ElasticIpVm', 1, 1, 1, 'KVM'),
  (8, 'r-8-VM', 'v8', 'r-8-VM', 'Running', 14, 99, 1, 'x', '2025-06-01 00:00:00', 'DomainRouter', 'DomainRouter', 1, 1, 1, 'VMware'),
  (9, 'n-9-VM', 'v9', 'n-9-VM', 'Running', 14, 99, 1, 'x', '2025-06-01 00:00:00', 'NetScalerVm', 'NetScalerVm', 1, 1, 1, 'VMware'),
  (10, 'r-10-VM', 'v10', 'r-10-VM', 'Running', 15, 99, 2, 'x', '2025-06-01 00:00:00', 'DomainRouter', 'DomainRouter', 1, 1, 1, 'XenServer'),
  (11, 'i-11-VM', 'v11', 'i-11-VM', 'Running', 205, 99, 1, 'x', '2025-06-01 00:00:00', 'User', 'User', 2, 1, 1, 'VMware');
