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
assert new File(repo, 'systemvmtemplate-4.22.0-bom.cdx.json').isFile() : 'SBOM not installed'
File deb = new File(basedir, 'target/cloudstack-systemvm-templates_4.22.0_all.deb')
assert deb.isFile() : 'no .deb'
assert new File(repo, 'systemvmtemplate-4.22.0.deb').isFile() : '.deb not installed as an artifact'
def listing = ['dpkg-deb', '--contents', deb.path].execute()
String contents = listing.text
assert listing.waitFor() == 0
assert contents.contains('./usr/share/cloudstack-management/templates/systemvm/metadata.ini')
assert contents.contains('./usr/share/cloudstack-management/templates/systemvm/systemvmtemplate-4.22.0-x86_64-kvm.qcow2.bz2')
assert contents.contains('./usr/bin/strata')
assert contents =~ /\.\/usr\/share\/strata\/lib\/cli-[^ ]+\.jar/
def info = ['dpkg-deb', '--field', deb.path, 'Package', 'Version', 'Architecture'].execute().text
assert info.contains('Package: cloudstack-systemvm-templates') && info.contains('Version: 4.22.0') : info
return true
