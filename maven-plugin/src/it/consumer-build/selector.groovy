// The whole template build (KVM only) takes a few minutes and needs root (or subuids):
// -Dstrata.skipTemplates=true skips it, as it skips debian-profile's build.
return !Boolean.getBoolean('strata.skipTemplates')
