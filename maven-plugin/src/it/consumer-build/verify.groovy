File repo = new File(localRepositoryPath, 'dev/strata/it/systemvmtemplate/4.22.0')
def expected = ['systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2', 'systemvmtemplate-4.22.0-router-layer.layer',
                'systemvmtemplate-4.22.0-metadata.ini', 'systemvmtemplate-4.22.0-md5sum.txt',
                'systemvmtemplate-4.22.0-sha512sum.txt', 'systemvmtemplate-4.22.0-strata-bundle.json']
for (String name : expected) {
    assert new File(repo, name).isFile() : name + ' not installed in ' + repo
}
File built = new File(basedir, 'target/systemvm/systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2')
assert new File(repo, 'systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2').bytes.length == built.length()
String log = new File(basedir, 'build.log').text
assert log.contains('bundle ' + new File(basedir, 'target/systemvm').path + ' is good') : 'verify-bundle did not pass'
String metadata = new File(basedir, 'target/systemvm/metadata.ini').text
assert metadata.contains('[kvm-x86_64]') && metadata.contains('filename = systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2')
return true
