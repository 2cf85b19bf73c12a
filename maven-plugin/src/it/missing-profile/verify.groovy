String log = new File(basedir, 'build.log').text
assert log =~ /strata:build: parameter 'profile' \(-Dstrata.profile\) names \S*\/profiles\/missing.yaml, which does not exist; it accepts the path of a Strata profile YAML file/ : 'no profile error in build.log'
return true
