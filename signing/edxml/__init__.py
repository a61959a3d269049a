"""edXML (QCVN 102:2016) exchange messages: read as other software writes them, write the
strict way, signed with XMLDSig (see ``shared/spec/edxml.md``)."""
