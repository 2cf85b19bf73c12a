String log = new File(basedir, 'build.log').text
assert log.contains("strata:build: parameter 'hypervisors' (-Dstrata.hypervisors) has 'hyperv2'; it accepts a comma-separated list of the profile's hypervisors [kvm, xenserver, vmware, hyperv, ovm3]") : 'no parameter error in build.log'
assert !new File(basedir, 'target/systemvm').exists() : 'a bundle was made despite the bad parameter'
return true
