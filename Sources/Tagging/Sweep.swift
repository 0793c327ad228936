import ReviewModel

/// What the sweep carries from one sentence to the next.
struct SweepCursor {
    var lastByGender = GenderMap()
    var lastPrincipal = GenderMap()
    var lastAny: Int?
    var focus: Int?
    var focusBlock = -1
    var sectionFocus: Int?
    /// The person the last paragraph ended on: bullets after a lead-in ("4.1 Mr R, 27, White
    /// British." then "Used crack cocaine.") start from it. Nil after a heading.
    var leadIn: Int?
    var previousMentions: [Mention] = []
    var previousBlock = -1
    /// The current sentence's mentions and targets: lists the sweep refills for every sentence
    /// (only their storage carries over; emptying the targets is a store, not a removal per
    /// element). Held here, beside the run rather than in it, so that the sweep passes them to
    /// the run's methods without swapping them out of the run (each swap retained and released
    /// a list).
    var mentions: [Mention] = []
    var targets = ScratchList<TargetMatch>()
    /// Whether category and relation cues are logged too (for the incremental sweep).
    var logging = false
    var categoryLog: [(id: String, text: String)] = []
    var relationLog: [(id: String, amount: Double)] = []
}

/// The name mentions of a run of sentences, found ahead of the sweep in one call that does not
/// copy the run per sentence (see ``TaggingRun/findNames(from:)``). Names and the entities they
/// stand for are fixed once people discovery is done: the sweep registers none, so a name found
/// ahead is the name the sweep would find at its sentence.
struct SweepNames {
    /// The first sentence covered.
    var from = 0
    /// Per sentence from `from` on: the end of its names in `mentions` (each starts where the
    /// previous sentence's end).
    var ends: [Int32] = []
    var mentions: [Mention] = []
    /// One past the last sentence covered.
    var to: Int { from + ends.count }
    /// Where sentence `sentence`'s names lie in ``mentions`` (`from <= sentence < to`).
    @inline(__always)
    func range(ofSentence sentence: Int) -> Range<Int> {
        let slot = sentence - from
        return (slot == 0 ? 0 : Int(ends[slot - 1]))..<Int(ends[slot])
    }
    /// Sentences per call when the sweep finds them itself (an incremental sweep of a few blocks
    /// finds few names it does not use; a full sweep has people discovery's for every sentence).
    static let chunk = 64
}

extension TaggingRun {
    /// Walks the sentences in order: resolves mentions, decides context, attributes subjects,
    /// collects evidence, demographics and category cues.
    mutating func sweep() {
        var cursor = SweepCursor()
        let blockKinds = document.blocks.map(\.kind)
        collector.reserve(matchCount: matches.count)
        ensureCapitals()
        // (The names people discovery found for every sentence are kept: see ``voteGenders(sentenceKinds:)``.)
        // The matches read through one buffer of a local copy (the sweep does not change them): a
        // sentence's slice of the array retained and released the array for every sentence.
        let allMatches = matches
        // The text's bytes read in place too (a check of the run's text copied the run per sentence).
        var text = document.text
        text.withUTF8 { textBytes in
            allMatches.withUnsafeBufferPointer { matchBuffer in
                for sentenceIndex in sentences.indices {
                    sweepSentence(sentenceIndex, blockKinds: blockKinds, matches: matchBuffer, textBytes: textBytes, cursor: &cursor)
                }
            }
        }
        // The collected evidence, keyed by tag and subject, for the finishing steps.
        flushCollectedEvidence()
    }

    /// Builds ``TaggingRun/capitals`` when people discovery did not (the sweep reads names at
    /// capitalised tokens only).
    mutating func ensureCapitals() {
        guard !capitalsBuilt else { return }
        capitals = CapitalIndex(tokens, sentences: sentences)
        capitalsBuilt = true
    }

    /// One sentence of the sweep. What it carries to the next sentence is in `cursor` and in
    /// the run (people, age priorities, evidence, suppressed matches, category and relation
    /// scores); at a block boundary only `cursor`'s ``SweepCursor/carry`` part and the people,
    /// age priorities and victim-is-child flag matter (see `IncrementalTagging.swift`).
    ///
    /// `blockKinds` holds the kind of every block of the document (read there: a block read
    /// from the document was copied, retaining its strings, twice per sentence).
    /// `matchBuffer` holds ``matches`` (the sentence's are cut from it without retaining anything),
    /// `textBytes` the UTF-8 bytes of the document's text.
    mutating func sweepSentence(
        _ sentenceIndex: Int, blockKinds: [BlockKind], matches matchBuffer: UnsafeBufferPointer<Match>, textBytes: UnsafeBufferPointer<UInt8>,
        cursor: inout SweepCursor
    ) {
        do {
            collector.beginSentence()
            let sentence = sentences[sentenceIndex]
            let slice = UnsafeBufferPointer(rebasing: matchBuffer[sentence.matchFrom..<sentence.matchTo])
            let isHeading = blockKinds.isEmpty ? false : blockKinds[sentence.block] == .heading
            // 1. Mentions and targets, from one pass over the matches, into the cursor's lists (for
            // the mentions, the previous sentence's list before last: storage reused).
            let found = collectMatches(slice, mentions: &cursor.mentions, targets: &cursor.targets)
            // Names, found ahead for a run of sentences (see ``SweepNames``).
            if sentenceIndex < sweepNames.from || sentenceIndex >= sweepNames.to { sweepNames = findNames(from: sentenceIndex) }
            for nameIndex in sweepNames.range(ofSentence: sentenceIndex) { cursor.mentions.append(sweepNames.mentions[nameIndex]) }
            // Names alone are in order already and never overlap (a name's later words start no
            // other): only a sentence with a role, kin or pronoun mention is ordered.
            if found & SweepBits.mention != 0 { TaggingRun.orderMentions(&cursor.mentions) }
            // Mentions resolved in order.
            // Resolved in place: the mentions before `index` are the resolved earlier ones (kin
            // resolution reads only mentions ending before the kin noun, so it takes them all).
            // The previous sentence's mentions count only in the same block (read in place, not copied).
            let samePrevious = sentence.block == cursor.previousBlock
            for index in cursor.mentions.indices {
                var mention = cursor.mentions[index]
                // Written back only when resolved here (a role or name comes resolved).
                switch mention.kind {
                case .pronoun:
                    // The earlier and previous mentions read through buffers (a slice of the list and
                    // the previous list passed by value retained and released them per pronoun).
                    let lastPrincipal = cursor.lastPrincipal
                    let lastByGender = cursor.lastByGender
                    let lastAny = cursor.lastAny
                    mention.entity = cursor.mentions.withUnsafeBufferPointer { mentions in
                        cursor.previousMentions.withUnsafeBufferPointer { previous in
                            pronounAntecedent(
                                mention, earlier: UnsafeBufferPointer(rebasing: mentions[..<index]),
                                previous: samePrevious ? previous : UnsafeBufferPointer(start: nil, count: 0),
                                lastPrincipal: lastPrincipal, lastByGender: lastByGender, lastAny: lastAny)
                        }
                    }
                    cursor.mentions[index] = mention
                case .kin:
                    mention.entity = resolveKin(mention, slice, sentence: sentence, earlier: cursor.mentions, lastByGender: cursor.lastByGender)
                    cursor.mentions[index] = mention
                default:
                    break
                }
                if let entity = mention.entity {
                    // Written only when it changes: checkpoints of the incremental sweep share the storage.
                    if !people.entities[entity].mentioned { people.entities[entity].mentioned = true }
                    if let gender = people.entities[entity].gender {
                        if cursor.lastByGender[gender] != entity { cursor.lastByGender[gender] = entity }
                        if people.entities[entity].subject != nil, cursor.lastPrincipal[gender] != entity { cursor.lastPrincipal[gender] = entity }
                    }
                    cursor.lastAny = entity
                }
            }
            if isHeading {
                cursor.sectionFocus = cursor.mentions.first(where: { $0.entity != nil && $0.kind != .pronoun(possessive: true) })?.entity
            }
            if sentence.block != cursor.focusBlock {
                cursor.focus = blockKinds[sentence.block] == .listItem ? cursor.leadIn : nil
                cursor.focusBlock = sentence.block
            }
            let fallback = cursor.focus ?? cursor.sectionFocus
            // 2. Targets with their context (built only for a sentence with a target and a trigger).
            completeTargets(slice, hasProximity: found & SweepBits.proximity != 0, &cursor.targets)
            let hasExclusion = found & SweepBits.exclusion != 0
            let hasTrigger = found & SweepBits.trigger != 0
            if !cursor.targets.isEmpty {
                // (The facts read through the codebook: a local reference to them was retained and
                // released for every sentence with a target.)
                // Rebuilt on the first target that needs it, in place in the scratch context (not
                // swapped out and assigned back: that retained and released its five lists).
                var contextBuilt = false
                // "Did agencies recognise that Joan was experiencing coercive control?": a question
                // asserts nothing (terms of reference and key lines of enquiry are often questions).
                // (Read from the bytes: a method of the run called here copied the run, 736 bytes.)
                let isQuestion = TaggingRun.endsWithQuestionMark(textBytes, sentence.range)
                // By index (no iterator holding the list) and the tag read only where it is used:
                // a `TagID` copy retained and released its two strings for every target.
                for targetIndex in cursor.targets.indices {
                    let target = cursor.targets[targetIndex]
                    let entryIndex = target.entry
                    // The entry's facts in one read (see ``EntryFacts/Traits``).
                    let traits = compiled.facts.traits[entryIndex]
                    let range = textRange(target.start, target.end)
                    // Exclusions (the matches searched only in a sentence that has one).
                    if hasExclusion, let exclusion = slice.first(where: { match in
                        compiled.excludedEntries[Int(match.pattern)] == Int32(truncatingIfNeeded: target.entry)
                            && Int(match.start) < target.end && target.start < Int(match.end)
                    }) {
                        if keepSuppressed {
                            let excluded = textRange(Int(exclusion.start), Int(exclusion.end))
                            suppress(
                                target, range, .excluded,
                                scalarAlignedText(excluded) ?? text(tokens: Int(exclusion.start), Int(exclusion.end)))
                        }
                        continue
                    }
                    if sentence.hypotheticalSection {
                        suppress(target, range, .hypothetical, "recommendations section")
                        continue
                    }
                    if isQuestion {
                        suppress(target, range, .hypothetical, "a question")
                        continue
                    }
                    if hasTrigger, !traits.ignoreContext {
                        if !contextBuilt {
                            sweepScratch.context.rebuild(matches: slice, compiled: compiled, tokens: tokens, sentenceStart: sentence.tokenFrom)
                            sweepScratch.context.addSemicolonBreaks(tokens: tokens, from: sentence.tokenFrom, to: sentence.tokenTo, text: textBytes)
                            contextBuilt = true
                        }
                        if let (reason, trigger) = sweepScratch.context.suppression(of: target) {
                            if keepSuppressed {
                                let cut = scalarAlignedText(TextRange(start: trigger.textStart, end: trigger.textEnd))
                                suppress(target, range, reason, cut ?? sweepScratch.context.triggerText(trigger, in: document.text))
                            }
                            continue
                        }
                    }
                    let about = traits.about
                    if about != .none {
                        var concerns = true
                        switch about {
                        case .incident:
                            // The sentence, or one next to it in the paragraph, describes the incident.
                            concerns = incidentContext(sentenceIndex)
                            // Blows between the victim and the perpetrator are the method of harm
                            // even away from the incident's account ("on one occasion he slapped her
                            // hard across the face"): a course of abuse is the harm itself. (Other
                            // methods stay with the incident: an earlier strangulation is history.)
                            if !concerns, traits.special == .physicalAssault,
                                cursor.mentions.contains(where: { $0.entity == PeopleModel.victim }),
                                cursor.mentions.contains(where: { $0.entity == PeopleModel.perpetrator })
                            {
                                concerns = true
                            }
                        case .victim, .perpetrator:
                            let wanted = about == .victim ? PeopleModel.victim : PeopleModel.perpetrator
                            let nearest = cursor.mentions.last { $0.end <= target.start && $0.entity != nil }?.entity
                                ?? cursor.mentions.first { $0.entity != nil }?.entity ?? fallback
                            concerns = nearest.map { people.entities[$0].subject == people.entities[wanted].subject } ?? (about == .victim)
                        case .none:
                            break
                        }
                        if !concerns, about == .victim, traits.special == .suicide,
                            let entry = compiled.facts.tags.firstIndex(of: TagID(facet: "outcome", id: "perpetrator-suicide")),
                            (cursor.mentions.last { $0.end <= target.start && $0.entity != nil }?.entity).map({
                                people.entities[$0].subject == people.entities[PeopleModel.perpetrator].subject
                            }) ?? false
                        {
                            // "Mr B took his own life two days later": the perpetrator's suicide.
                            add(entry: entry, subject: nil, pattern: target.pattern, range)
                            continue
                        }
                        if !concerns {
                            let why = about == .incident ? "not about the incident" : (about == .victim ? "not about the victim" : "not about the perpetrator")
                            suppress(target, range, .historical, why)
                            continue
                        }
                    }
                    if traits.special == .gangInvolvement, groupMembershipOfOthers(sentence, start: target.start) {
                        suppress(target, range, .thirdParty, "said of several other people")
                        continue
                    }
                    if traits.special == .patternOfPhysicalViolence, blowsWithinTheIncident(sentence, slice) {
                        suppress(target, range, .historical, "blows within the incident, not a pattern over time")
                        continue
                    }
                    switch traits.facet {
                    case .reviewType:
                        continue
                    case .category:
                        let text = document.substring(range)
                        categoryScores[compiled.facts.tags[entryIndex].id, default: 0] += 2
                        categoryEvidence[compiled.facts.tags[entryIndex].id, default: []].append(text)
                        if cursor.logging { cursor.categoryLog.append((compiled.facts.tags[entryIndex].id, text)) }
                    case .characteristic:
                        attribute(target, entry: entryIndex, range: range, mentions: cursor.mentions, fallback: fallback, sentence: sentence)
                    case .relationshipType:
                        let involved = cursor.mentions.contains { $0.entity == PeopleModel.victim || $0.entity == PeopleModel.perpetrator }
                        // A child victim has no partner: such phrases are about the adults around them.
                        let partnerOfChild = people.victimIsChild && traits.isPartnerTag
                        if partnerOfChild {
                            suppress(target, range, .thirdParty, "the victim is a child")
                        } else if involved {
                            add(entry: entryIndex, subject: nil, pattern: target.pattern, range)
                            relationCounts[compiled.facts.tags[entryIndex].id, default: 0] += 1
                            if cursor.logging { cursor.relationLog.append((compiled.facts.tags[entryIndex].id, 1)) }
                        } else {
                            suppress(target, range, .thirdParty, "no victim or perpetrator in the sentence")
                        }
                    case .other:
                        // Supported accommodation is context when the victim or the perpetrator lives or
                        // stays there, not when a relative, a worker or people in general do.
                        // Paramedics who came to the incident ("died at the scene despite the efforts
                        // of paramedics") were its response, not an agency involved beforehand.
                        // "Rita was her mother's main carer": a relationship of a relative who is
                        // neither the victim nor the perpetrator (the possessed kin noun right before).
                        if traits.isRelationshipTag,
                            let kin = cursor.mentions.last(where: { $0.kind == .kin && $0.end < target.start }),
                            kin.end + 1 == target.start, isWord(kin.end, Words2.s),
                            kin.entity.map({ people.entities[$0].subject == nil }) ?? true
                        {
                            suppress(target, range, .thirdParty, "a relative's relationship")
                            continue
                        }
                        if traits.special == .ambulance, incidentResponseContext(sentenceIndex) {
                            suppress(target, range, .historical, "the response to the incident")
                            continue
                        }
                        if traits.special == .supportedAccommodation {
                            // A relative or someone referred back to ("her brother lives in supported
                            // accommodation"); a sentence about the setting itself keeps it.
                            let nearest = cursor.mentions.last { $0.end <= target.start && $0.entity != nil }
                            if let nearest, nearest.kind != .name, nearest.kind != .role, people.entities[nearest.entity!].subject == nil {
                                suppress(target, range, .thirdParty, "not where the victim or the perpetrator lived")
                                continue
                            }
                            if isWorkplace(before: target.start, sentence: sentence) {
                                suppress(target, range, .thirdParty, "a workplace, not where anyone lived")
                                continue
                            }
                        }
                        add(entry: entryIndex, subject: nil, pattern: target.pattern, range)
                    }
                }
            }
            // 3. Kin mentions that name the perpetrator give the relationship type.
            for mentionIndex in found & SweepBits.kin != 0 ? cursor.mentions.indices : 0..<0 where cursor.mentions[mentionIndex].kind == .kin {
                let mention = cursor.mentions[mentionIndex]
                guard let entity = mention.entity, entity == PeopleModel.perpetrator || entity == PeopleModel.victim,
                    let kinIndex = TaggingRun.kinIndex(startingAt: mention.start, in: slice, compiled: compiled)
                else { continue }
                let kin = compiled.kins[kinIndex]
                let relation = entity == PeopleModel.perpetrator ? kin.relation : inverseRelation(kin.relation)
                guard Taxonomy.ids(of: "relationship-type").contains(relation) else { continue }
                let tag = TagID(facet: "relationship-type", id: relation)
                add(TagKey(tag: tag, subject: nil), "kin/\(relation)", textRange(mention.start, mention.end))
                relationCounts[relation, default: 0] += 2
                if cursor.logging { cursor.relationLog.append((relation, 2)) }
            }
            // 4. Demographics.
            demographics(sentence, slice, mentions: cursor.mentions, fallback: fallback, ethnicity: found & SweepBits.ethnicity != 0)
            if let first = cursor.mentions.first(where: { $0.entity != nil && $0.kind != .pronoun(possessive: true) }) {
                cursor.focus = first.entity
            }
            switch blockKinds[sentence.block] {
            case .heading: cursor.leadIn = nil
            case .listItem: break
            default: cursor.leadIn = cursor.focus
            }
            // This sentence's mentions become the previous ones and the old previous list the next
            // sentence's: a swap, no list retained or released.
            swap(&cursor.mentions, &cursor.previousMentions)
            cursor.previousBlock = sentence.block
        }
    }

    /// The text of a range cut straight from the document's UTF-8 bytes when both ends fall on
    /// scalar boundaries (as ``flushCollectedEvidence()`` cuts evidence), else nil: the same
    /// string as the index arithmetic of ``text(tokens:_:)`` and trigger texts, far cheaper.
    @inline(__always)
    func scalarAlignedText(_ range: TextRange) -> String? {
        var text = document.text
        return text.withUTF8 { TaggingRun.substring($0, range) }
    }

    /// The kin noun (its index in ``CompiledCodebook/kins``) of the first kin match of `slice`
    /// that starts at token `start`, or nil: one loop over the matches, the kinds read from the
    /// codebook passed in (no closure calling methods of the run per match).
    static func kinIndex(startingAt start: Int, in slice: UnsafeBufferPointer<Match>, compiled: CompiledCodebook) -> Int? {
        for match in slice where Int(match.start) == start {
            if case .kin(let kinIndex) = compiled.kinds[Int(match.pattern)] { return Int(kinIndex) }
        }
        return nil
    }

    func textRange(_ from: Int, _ to: Int) -> TextRange {
        TextRange(start: Int(tokens.starts[from]), end: Int(tokens.ends[to - 1]))
    }

    /// One pass over a sentence's matches: its role, kin and pronoun mentions (in match order)
    /// and its phrase targets (in match order), and which other kinds of match it holds
    /// (``SweepBits``), so that the steps after it skip what the sentence lacks. Both lists are
    /// refilled (their storage is reused from sentence to sentence). (`mutating` only so that
    /// the sweep passes the run by reference instead of copying it.)
    mutating func collectMatches(_ slice: UnsafeBufferPointer<Match>, mentions: inout [Mention], targets: inout ScratchList<TargetMatch>) -> UInt8 {
        // Emptied element by element (`removeAll(keepingCapacity:)` cost more than the sentence).
        mentions.truncate(to: 0)
        var found: UInt8 = 0
        // The targets written through the list's buffer, room for every match made first: one
        // uniqueness check per sentence instead of one per target appended or removed.
        targets.refill(capacity: slice.count, filler: TargetMatch(entry: 0, pattern: 0, start: 0, end: 0)) { targetBuffer in
            var targetCount = 0
            for match in slice {
                // One word per match says all (``SweepCode``: no `PatternKind` loaded and switched over).
                // (The array read through the class each time: a local copy was retained and
                // released per sentence.)
                let code = compiled.sweepCodes[Int(match.pattern)]
                // Every match is written as a target and counted only when it is one (code >= 0):
                // no branch on whether it is a target, which the processor mispredicted for about
                // two matches in five.
                targetBuffer[targetCount] = TargetMatch(entry: Int(code), pattern: match.pattern, start: Int(match.start), end: Int(match.end))
                targetCount &+= Int(truncatingIfNeeded: ~code >> 31) & 1
                let facts = code < 0 ? ~code : 0
                found |= UInt8(truncatingIfNeeded: facts)
                let mention = (facts >> 8) & 7
                guard mention != SweepCode.none else { continue }
                let start = Int(match.start)
                let end = Int(match.end)
                // ``roleEntity(_:)`` spelt out: a non-mutating method of the run, even inlined, copied
                // the whole run here for every mention.
                switch mention {
                case SweepCode.victim, SweepCode.perpetrator:
                    // "Perpetrators often have a history of violence", "victims of domestic abuse": a
                    // bare plural role noun speaks of people in general ("the perpetrators" stays).
                    if end - start == 1, RoleWords.plurals.contains(tokens.hashes[start]) { continue }
                    mentions.append(Mention(start: start, end: end, entity: mention == SweepCode.victim ? PeopleModel.victim : PeopleModel.perpetrator, kind: .role))
                case SweepCode.child:
                    if let entity = childRoleEntityInPlace(match) { mentions.append(Mention(start: start, end: end, entity: entity, kind: .role)) }
                case SweepCode.kin: mentions.append(Mention(start: start, end: end, entity: nil, kind: .kin))
                case SweepCode.pronoun:
                    mentions.append(
                        Mention(
                            start: start, end: end, entity: nil, kind: .pronoun(possessive: facts & SweepCode.possessive != 0),
                            gender: facts & SweepCode.male != 0 ? .male : .female))
                default: break
                }
            }
            return targetCount
        }
        return found
    }

    /// ``childRoleEntity(_:)``, for ``collectMatches(_:mentions:targets:)``'s closure and
    /// ``roleEntityInPlace(_:)``: a non-mutating method called there copied the whole run,
    /// retaining its lists, for every child role (or, hoisted, for every sentence). (`mutating`
    /// only for that.)
    mutating func childRoleEntityInPlace(_ match: Match) -> Int? { childRoleEntity(match) }

    /// The name mentions of the sentences from `first` on (`count` of them, or to the end).
    /// Non-mutating, like the name lookup it calls: the sweep (mutating) hands it one copy of the
    /// run per chunk, where asking per sentence copied the run for every sentence with a name (and
    /// a mutating caller of the lookup copied it for every capitalised word).
    func findNames(from first: Int, count: Int = SweepNames.chunk) -> SweepNames {
        var names = SweepNames()
        names.from = first
        let last = min(sentences.count, first + count)
        names.ends.reserveCapacity(last - first)
        // At most one name per capitalised token: room for them all at once (grown from empty,
        // the list was reallocated and copied a few times per chunk).
        if last > first {
            let capitalised = capitals.range(inSentence: last - 1).upperBound - capitals.range(inSentence: first).lowerBound
            names.mentions.reserveCapacity(max(0, capitalised))
        }
        for sentenceIndex in first..<last {
            collectNames(sentences[sentenceIndex], sentenceIndex, into: &names.mentions)
            names.ends.append(Int32(truncatingIfNeeded: names.mentions.count))
        }
        return names
    }

    /// Adds the name mentions of a sentence to `mentions`. Names are looked up at the sentence's
    /// capitalised tokens (``capitals``, which ``ensureCapitals()`` builds before the sweep).
    func collectNames(_ sentence: SentenceSpan, _ sentenceIndex: Int, into mentions: inout [Mention]) {
        // A name's later words start no other name: the capitalised tokens before the end of
        // the last name found are skipped.
        var skipTo = sentence.tokenFrom
        for position in capitals.range(inSentence: sentenceIndex) {
            let index = Int(capitals.positions[position])
            if index < skipTo { continue }
            if let found = lookupName(at: index, limit: sentence.tokenTo) {
                mentions.append(Mention(start: index, end: found.end, entity: found.entity, kind: .name))
                skipTo = found.end
            }
        }
    }

    /// Orders a sentence's mentions by start (the longer first at one start) and keeps the
    /// longer of two that overlap (a name over a title, "the victim" over "victim").
    static func orderMentions(_ mentions: inout [Mention]) {
        guard mentions.count > 1 else { return }
        // Sorted and compacted through one buffer (each write through the array checked that it was unique).
        let kept = mentions.withUnsafeMutableBufferPointer { mentions in
            mentions.sortBySpan()
            // Compacted in place: the kept mentions are the prefix `0..<kept`.
            var kept = 0
            for index in mentions.indices {
                let mention = mentions[index]
                if kept > 0, mention.start < mentions[kept - 1].end {
                    // Overlap: keep the longer one.
                    let last = mentions[kept - 1]
                    if mention.end - mention.start > last.end - last.start { mentions[kept - 1] = mention }
                    continue
                }
                mentions[kept] = mention
                kept += 1
            }
            return kept
        }
        mentions.truncate(to: kept)
    }

    /// Whose relative a kin mention names, and whether that relative is the victim or the perpetrator.
    /// `earlier` holds the sentence's mentions, resolved up to this one (only those ending before
    /// it are read). `slice` holds the sentence's matches (read in place: a slice of ``matches``
    /// retained and released the array per kin noun).
    mutating func resolveKin(_ mention: Mention, _ slice: UnsafeBufferPointer<Match>, sentence: SentenceSpan, earlier: [Mention], lastByGender: GenderMap) -> Int? {
        guard let kinIndex = TaggingRun.kinIndex(startingAt: mention.start, in: slice, compiled: compiled) else { return nil }
        let kin = compiled.kins[kinIndex]
        var owner: Int?
        if let possessor = possessor(before: mention.start, sentence: sentence, mentions: earlier) {
            owner = possessor.entity
        } else if people.victimIsChild, kin.isParent || kin.relation == "partner-of-parent" || kin.relation == "sibling" {
            owner = PeopleModel.victim
        }
        if owner == PeopleModel.victim {
            if perpetratorMatches(kin) || (people.perpetratorRelation == nil && people.victimIsChild
                && people.entities[PeopleModel.perpetrator].name == nil
                && (kin.relation == "parent" || kin.relation == "partner-of-parent")
                && kin.gender != nil && kin.gender == people.entities[PeopleModel.perpetrator].gender)
            {
                return PeopleModel.perpetrator
            }
        } else if owner == PeopleModel.perpetrator {
            let inverse = inverseRelation(kin.relation)
            let victimGender = people.entities[PeopleModel.victim].gender
            if let relation = people.perpetratorRelation {
                // "Mr K's mother" is not a victim who is a man.
                if relation == inverse, kin.gender == nil || victimGender == nil || kin.gender == victimGender { return PeopleModel.victim }
            } else if (kin.relation == "partner" || kin.relation == "ex-partner"), reviewType?.id != "scr", reviewType?.id != "sar",
                kin.gender == nil || victimGender == nil || kin.gender == victimGender
            {
                return PeopleModel.victim
            }
        }
        // A relative of someone: one entity per (owner, kin noun), created on first mention.
        if owner == nil, !people.victimIsChild, kin.relation == "acquaintance" { return nil }
        return people.relative(owner: owner, kin: Int(kinIndex), kins: compiled.kins)
    }

    /// Records a suppressed match of the target's entry (its evidence is cut by
    /// ``flushCollectedEvidence()``, its tag read there: no `TagID` copied per suppression).
    /// Nothing is recorded when suppressed matches are not kept (``keepSuppressed``): callers
    /// whose trigger text costs a cut check that flag before they cut it.
    @inline(__always)
    mutating func suppress(_ target: TargetMatch, _ range: TextRange, _ reason: SuppressedMatch.Reason, _ trigger: String) {
        guard keepSuppressed else { return }
        collector.append(PendingSuppression(entry: Int32(truncatingIfNeeded: target.entry), range: range, rule: target.pattern, reason: reason, trigger: trigger))
    }

    /// Moves the sweep's evidence and suppressed matches into ``evidence`` and ``suppressed``,
    /// cutting every span's text and finding its source position as it goes (the same values
    /// ``makeEvidence(_:_:)`` gives one at a time): the evidence in the order recorded and the
    /// suppressed matches, merged by start, are one nearly ascending run of offsets that one
    /// ``SourceMap/ASCIIPositionCursor`` follows, with no array of offsets or positions in between;
    /// equal texts share one string (``EvidenceTexts``). Each piece gets its rule's and text's
    /// numbers (``EvidenceNumbers``) for the store's encoding.
    mutating func flushCollectedEvidence() {
        let collector = self.collector
        let compiled = self.compiled
        let items = collector.items
        let suppressions = collector.suppressions
        let keyCount = collector.keys.count
        let ruleNumbers = compiled.ruleNumbers
        let extraRuleNumbers = collector.extraRuleNumbers(compiled: compiled)
        var text = document.text
        // Everything the loop writes is local to the closure (captured variables were boxed and
        // every access to them checked for exclusivity at run time).
        let cut = text.withUTF8 { bytes in
            var counts = [Int](repeating: 0, count: keyCount)
            // Counted through one buffer (each increment through the array checked that it was unique).
            counts.withUnsafeMutableBufferPointer { counts in
                items.withUnsafeBufferPointer { items in
                    for index in items.indices { counts[Int(items[index].slot)] += 1 }
                }
            }
            var built: [[Evidence]] = counts.map { count in
                var items: [Evidence] = []
                items.reserveCapacity(count)
                return items
            }
            // The slots' lists written through one buffer (each append through the list of lists
            // checked that the outer list was unique).
            let builtSuppressed = built.withUnsafeMutableBufferPointer { built -> [SuppressedMatch] in
                var builtSuppressed: [SuppressedMatch] = []
                builtSuppressed.reserveCapacity(suppressions.count)
                var positions = document.sourceMap.asciiPositionCursor()
                var texts = EvidenceTexts(bytes, expected: items.count + suppressions.count)
                // The evidence (in the order recorded) and the suppressed matches (in theirs) are two
                // nearly ascending runs of offsets: merged by start, so that the position cursor goes
                // over the source once instead of twice. Items read field by field in place: no copy
                // of a pending item each.
                var next = 0
                var nextSuppressed = 0
                while next < items.count || nextSuppressed < suppressions.count {
                    if next < items.count, nextSuppressed == suppressions.count || items[next].range.start <= suppressions[nextSuppressed].range.start {
                        let range = items[next].range
                        let cut = texts.cut(range)
                        let rule = items[next].rule
                        built[Int(items[next].slot)].append(TaggingRun.evidence(
                            cut?.text ?? document.substring(range), range, collector.ruleID(rule, compiled: compiled),
                            EvidenceNumbers(rule: rule >= 0 ? ruleNumbers[Int(rule)] : extraRuleNumbers[Int(-1 - rule)], text: cut?.number ?? -1),
                            positions: &positions))
                        next += 1
                        continue
                    }
                    let index = nextSuppressed
                    nextSuppressed += 1
                    let range = suppressions[index].range
                    let cut = texts.cut(range)
                    let rule = suppressions[index].rule
                    let piece = TaggingRun.evidence(
                        cut?.text ?? document.substring(range), range, collector.ruleID(rule, compiled: compiled),
                        EvidenceNumbers(rule: rule >= 0 ? ruleNumbers[Int(rule)] : extraRuleNumbers[Int(-1 - rule)], text: cut?.number ?? -1),
                        positions: &positions)
                    builtSuppressed.append(
                        SuppressedMatch(tag: compiled.facts.tags[Int(suppressions[index].entry)], evidence: piece, reason: suppressions[index].reason, trigger: suppressions[index].trigger))
                }
                return builtSuppressed
            }
            return (built: built, suppressed: builtSuppressed)
        }
        var built = cut.built
        let builtSuppressed = cut.suppressed
        // One probe per key (a `TagKey` hashes two strings), into a table with room for them all.
        evidence.reserveCapacity(evidence.count + collector.keys.count)
        for (slot, key) in collector.keys.enumerated() where !built[slot].isEmpty {
            TaggingRun.merge(&evidence[key, default: []], &built[slot])
        }
        if suppressed.isEmpty {
            suppressed = builtSuppressed  // moved, not copied item by item
        } else {
            suppressed.append(contentsOf: builtSuppressed)
        }
        self.collector = EvidenceCollector(entryCount: 0)
    }

    /// Appends `new` to `list`, moving it when `list` is empty (no piece copied).
    @inline(__always)
    static func merge(_ list: inout [Evidence], _ new: inout [Evidence]) {
        if list.isEmpty {
            swap(&list, &new)
        } else {
            list.append(contentsOf: new)
        }
    }

    /// One piece of evidence with its text, its source position and its rule's and text's numbers.
    @inline(__always)
    static func evidence(
        _ text: String, _ range: TextRange, _ rule: String, _ numbers: EvidenceNumbers, positions: inout SourceMap.ASCIIPositionCursor
    ) -> Evidence {
        let position = positions.position(ofText: range.start)
        var piece = Evidence(text: text, range: range, rule: rule, line: position.line, character: position.utf16Column)
        piece.numbers = numbers
        return piece
    }

    /// The text of a range when both ends fall on scalar boundaries (nil otherwise: the
    /// caller falls back to ``ReviewDocument/substring(_:)``, which rounds them).
    @inline(__always)
    static func substring(_ bytes: UnsafeBufferPointer<UInt8>, _ range: TextRange) -> String? {
        guard range.start >= 0, range.start <= range.end, range.end <= bytes.count else { return nil }
        if range.start < bytes.count, bytes[range.start] & 0xC0 == 0x80 { return nil }
        if range.end < bytes.count, bytes[range.end] & 0xC0 == 0x80 { return nil }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[range.start..<range.end]), as: UTF8.self)
    }

    func makeEvidence(_ rule: String, _ range: TextRange) -> Evidence {
        let position = document.sourceMap.position(ofText: range.start)
        return Evidence(
            text: document.substring(range), range: range, rule: rule, line: position.line, character: position.utf16Column)
    }

    /// Adds evidence for a key (the sweep collects it in ``collector``; `evidence` is filled at
    /// the end of the sweep). A range already recorded for the key is not added again.
    mutating func add(_ key: TagKey, _ rule: String, _ range: TextRange) {
        let entry = compiled.facts.entryOfTag[key.tag]
        let slot = collector.slot(key, entry: entry)
        guard collector.insert(slot: slot, range: range) else { return }
        collector.append(PendingEvidence(range: range, rule: collector.extraRule(rule), slot: Int32(truncatingIfNeeded: slot)))
    }

    /// ``add(_:_:_:)`` with the rule of pattern `pattern` (its id is looked up when the
    /// evidence is cut: nothing retained per piece).
    mutating func add(_ key: TagKey, pattern: Int32, _ range: TextRange) {
        let entry = compiled.facts.entryOfTag[key.tag]
        let slot = collector.slot(key, entry: entry)
        addEvidence(slot, pattern, range)
    }

    /// ``add(_:pattern:_:)`` for a codebook entry's tag: no `TagKey` built or hashed once the
    /// (entry, subject) pair has a key number.
    mutating func add(entry: Int, subject: Subject?, pattern: Int32, _ range: TextRange) {
        // (The facts read through the codebook: a local reference to them was retained and released per call.)
        let canonical = compiled.facts.canonical[entry]
        let takesSubject = compiled.facts.traits[canonical].facet == .characteristic
        let code = takesSubject ? EvidenceCollector.code(subject ?? .unknown) : 0
        var slot = collector.existingSlot(entry: canonical, code: code)
        if slot < 0 { slot = collector.slot(TagKey(tag: compiled.facts.tags[canonical], subject: subject), entry: canonical) }
        addEvidence(slot, pattern, range)
    }

    private mutating func addEvidence(_ slot: Int, _ pattern: Int32, _ range: TextRange) {
        guard collector.insert(slot: slot, range: range) else { return }
        collector.append(PendingEvidence(range: range, rule: pattern, slot: Int32(truncatingIfNeeded: slot)))
    }

    /// Attributes a characteristic match to the person its clause is about.
    mutating func attribute(
        _ target: TargetMatch, entry entryIndex: Int, range: TextRange, mentions: [Mention], fallback: Int?, sentence: SentenceSpan
    ) {
        // The entry's tag and id are read only on the paths that use them (a `TagID` copy retained
        // and released two strings per call); the child-victim facts are per-entry flags, read
        // through the codebook (a local reference to them was retained and released per call).
        // A kin noun inside the phrase ("her mother's depression", "abuse from her husband",
        // "his father was absent"): the characteristic belongs to the kin noun's possessor.
        let inside = mentions.first { $0.start >= target.start && $0.start < target.end && $0.kind == .kin }
        let preceding = mentions.last { $0.end <= target.start && $0.entity != nil }
        var entity: Int?
        // Only three tags have a rule by meaning: no call (and no string switch) for the others.
        let traits = compiled.facts.traits[entryIndex]
        let special = traits.special
        let byMeaningRule = special == .caringResponsibilities || special == .childhoodAbuseNeglect || special == .domesticAbuseInPregnancy
            || special == .absentParent
        if byMeaningRule, let byMeaning = attributionByMeaning(compiled.facts.tags[entryIndex].id, target: target, mentions: mentions) {
            entity = byMeaning
        } else if let inside, let owner = possessor(before: inside.start, sentence: sentence, mentions: mentions), let ownerEntity = owner.entity {
            entity = ownerEntity
        } else if let inside, traits.childVictimTag, preceding == nil || preceding!.end > inside.start {
            entity = ownerOfUnresolvedKin(inside)
        } else if inside == nil, !byMeaningRule, !traits.possessiveIsOther, let owner = possessiveInside(target, mentions: mentions) {
            // "Tomasz could not cope with Rita's drinking", "she was worried about his drinking":
            // the person named or referred to in the possessive inside the phrase.
            entity = owner
        } else if let preceding, inside == nil, coupleBefore(target.start, sentence: sentence, after: preceding.end) {
            // "Mr H had used credit cards for the bills, and the couple's debts exceeded £38,000":
            // the couple, named after the last person, is the victim and the perpetrator.
            add(entry: entryIndex, subject: .victim, pattern: target.pattern, range)
            add(entry: entryIndex, subject: .perpetrator, pattern: target.pattern, range)
            return
        } else if let preceding, preceding.entity == PeopleModel.victim, agentWithCharacteristic(after: preceding.end, before: target.start) {
            // "She was subjected to abuse by a man with a documented history of violence": the
            // agent's, not the victim's.
            entity = PeopleModel.perpetrator
        } else if let preceding, preceding.kind == .kin, preceding.entity.map({ people.entities[$0].subject == nil }) == true,
            let joined = principalJoined(to: preceding, mentions: mentions)
        {
            // "Child M and her younger brother became looked after because of neglect": the
            // principal joined to her relative by "and" shares what the sentence says of both.
            entity = joined
        } else if let preceding {
            // "He was abused by his stepfather and spent years in care": the agent of a passive is
            // not the subject of the clause that follows.
            entity = subjectBeforeAgent(preceding, mentions: mentions) ?? preceding.entity
        } else if let following = mentions.first(where: { $0.start >= target.end && $0.entity != nil }) {
            // (Looked for only here: most targets have a person before them.)
            entity = following.entity
        } else {
            entity = fallback
        }
        guard let entity else {
            // Nobody in the sentence, the paragraph or the section: a generic mention
            // ("support for victims of domestic abuse"), nobody's characteristic.
            // "The couple had significant rent arrears": the victim's and the perpetrator's.
            if coupleBefore(target.start, sentence: sentence) {
                add(entry: entryIndex, subject: .victim, pattern: target.pattern, range)
                add(entry: entryIndex, subject: .perpetrator, pattern: target.pattern, range)
                return
            }
            if !mentions.contains(where: { $0.kind != .kin }) {
                suppress(target, range, .thirdParty, "no person in context")
                return
            }
            add(entry: entryIndex, subject: .unknown, pattern: target.pattern, range)
            return
        }
        if let subject = people.entities[entity].subject {
            add(entry: entryIndex, subject: subject, pattern: target.pattern, range)
            // A child victim's parent who is the perpetrator: the child-victim tags follow.
            if subject == .perpetrator, people.victimIsChild,
                people.perpetratorRelation == "parent" || people.perpetratorRelation == "partner-of-parent",
                let converted = compiled.facts.parentalConversion[entryIndex], converted != compiled.facts.tags[entryIndex].id
            {
                add(TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: converted), subject: .victim), pattern: target.pattern, range)
            }
            return
        }
        // The person's fields read in place (a copy of the entity retained and released its name).
        let owner = people.entities[entity].owner
        let kin = people.entities[entity].kin
        let isParent = people.entities[entity].isParent
        // A relative: the child-victim tags go to the person whose relative it is.
        if let owner, let ownerSubject = people.entities[owner].subject {
            if traits.childVictimTag, isParent || kin.map({ compiled.kins[$0].relation == "partner-of-parent" }) == true {
                add(entry: entryIndex, subject: ownerSubject, pattern: target.pattern, range)
                return
            }
            // Only a child victim's parents: an adult's parent's condition is a third party's.
            if isParent, let converted = compiled.facts.parentalConversion[entryIndex], ownerSubject == .victim, people.victimIsChild {
                add(TagKey(tag: TagID(facet: Taxonomy.characteristicFacet, id: converted), subject: ownerSubject), pattern: target.pattern, range)
                return
            }
        }
        // A named person whose role the text never states: a third party when the review
        // names its victim or perpetrator, else whose it is cannot be told.
        if kin == nil, owner == nil {
            let principalsNamed = people.entities[PeopleModel.victim].name != nil || people.entities[PeopleModel.perpetrator].name != nil
            if !principalsNamed {
                add(entry: entryIndex, subject: .unknown, pattern: target.pattern, range)
                return
            }
        }
        // A kin noun's display (its first phrase without "=") is computed once per codebook.
        if let kin, people.entities[entity].name == nil {
            suppress(target, range, .thirdParty, compiled.kinDisplay[kin])
            return
        }
        guard keepSuppressed else { return }
        let who = people.entities[entity].name ?? "another person"
        // Strip the exact-match marker "=" (scalar filter: Foundation's replacingOccurrences was a hot spot).
        // (The bytes searched in place: the view's generic `contains` cost more than the suppression.)
        let hasMarker = who.utf8.withContiguousStorageIfAvailable { $0.contains(0x3D) } ?? who.utf8.contains(0x3D)
        let display = hasMarker ? String(String.UnicodeScalarView(who.unicodeScalars.filter { $0 != "=" })) : who
        suppress(target, range, .thirdParty, display)
    }

    /// The victim or perpetrator joined by "and" to a relative's noun phrase that starts at most
    /// four words before the kin noun ("Child M and her younger brother"), or nil. (`mutating`
    /// only so that ``attribute(_:entry:range:mentions:fallback:sentence:)`` passes the run
    /// without copying it.)
    mutating func principalJoined(to kin: Mention, mentions: [Mention]) -> Int? {
        var index = kin.start - 1
        while index >= 0, index >= kin.start - 4 {
            if isWord(index, Words2.and) {
                return mentions.last { mention in
                    mention.end == index && mention.kind != .kin && mention.entity.map { people.entities[$0].subject != nil } == true
                }?.entity
            }
            index -= 1
        }
        return nil
    }

    /// The person of a possessive inside a phrase, not at its start: a possessive pronoun
    /// resolved to a person ("worried about his drinking") or a person's name before "'s"
    /// ("could not cope with Rita's drinking"). A possessive that opens the phrase ("her
    /// drinking had increased") is left to the clause's subject, as before; so is a pronoun
    /// resolved to a person whose gender is not the pronoun's (a guess, not a reading).
    /// (`mutating` only so that ``attribute(_:entry:range:mentions:fallback:sentence:)`` passes
    /// the run without copying it: the non-mutating call copied the run for most targets.)
    mutating func possessiveInside(_ target: TargetMatch, mentions: [Mention]) -> Int? {
        mentions.first { mention in
            guard mention.start > target.start, mention.end < target.end, let entity = mention.entity else { return false }
            if mention.kind == .pronoun(possessive: true) { return mention.gender != nil && people.entities[entity].gender == mention.gender }
            return mention.kind == .name && isWord(mention.end, Words2.s)
        }?.entity
    }

    /// Whether the last character of `range` of the text (`bytes`, its UTF-8) other than a space,
    /// a closing quote or a closing bracket is a question mark.
    static func endsWithQuestionMark(_ bytes: UnsafeBufferPointer<UInt8>, _ range: TextRange) -> Bool {
        var end = range.end
        let start = range.start
        var steps = 0
        while end > start, steps < 8, end - 1 >= 0, end - 1 < bytes.count {
            let byte = bytes[end - 1]
            if byte == 0x3F { return true }
            // Spaces, quotes (ASCII, or the last byte of a curly quote), brackets.
            guard byte == 0x20 || byte == 0x0A || byte == 0x22 || byte == 0x27 || byte == 0x29 || byte == 0x5D || byte == 0x9D || byte == 0x99 || byte == 0xE2 || byte == 0x80 else {
                return false
            }
            end -= 1
            steps += 1
        }
        return false
    }

    func ownerOfUnresolvedKin(_ mention: Mention) -> Int? {
        people.victimIsChild ? PeopleModel.victim : nil
    }

    /// Completes the codebook targets of a sentence: to its phrase matches
    /// (``collectMatches(_:mentions:targets:)``) adds the satisfied proximity rules (when
    /// `hasProximity`), and keeps one target per entry and span. (`mutating` only so that the
    /// sweep, itself mutating, passes the run without copying it.)
    mutating func completeTargets(_ slice: UnsafeBufferPointer<Match>, hasProximity: Bool, _ targets: inout ScratchList<TargetMatch>) {
        if targets.isEmpty, !hasProximity { return }
        // The sides of proximity rules, as (rule key, side, span) in match order, taken rule by rule
        // in ascending key order: a dictionary's order changes from process to process, and two
        // rules satisfied over the same span must come out in the same order in every run (a
        // flat list sorted by key and match order; no dictionary built and freed per sentence).
        if hasProximity {
            // The sides in the scratch list (its storage reused from sentence to sentence).
            var sides: [ProximitySide] = []
            swap(&sides, &sweepScratch.sides)
            defer { swap(&sides, &sweepScratch.sides) }
            sides.truncate(to: 0)
            for match in slice {
                if case .proximity(let entry, let near, let side) = kind(match) {
                    sides.append(ProximitySide(key: Int64(entry) << 32 | Int64(near), side: side, start: Int(match.start), end: Int(match.end)))
                }
            }
            // By key, in match order among equal keys.
            sides.sortShortList { $0.key < $1.key }
            var groupStart = 0
            while groupStart < sides.count {
                let key = sides[groupStart].key
                var groupEnd = groupStart + 1
                while groupEnd < sides.count, sides[groupEnd].key == key { groupEnd += 1 }
                let entryIndex = Int(key >> 32)
                let nearIndex = Int(key & 0xFFFF_FFFF)
                let within = compiled.facts.nearWithin[entryIndex][nearIndex]
                var best: (Int, Int)?
                for first in groupStart..<groupEnd where sides[first].side == 0 {
                    let a = (sides[first].start, sides[first].end)
                    for second in groupStart..<groupEnd where sides[second].side == 1 {
                        let b = (sides[second].start, sides[second].end)
                        let gap = a.1 <= b.0 ? b.0 - a.1 : (b.1 <= a.0 ? a.0 - b.1 : 0)
                        if gap <= within {
                            let span = (min(a.0, b.0), max(a.1, b.1))
                            if best == nil || span.1 - span.0 < best!.1 - best!.0 { best = span }
                        }
                    }
                }
                if let best {
                    targets.append(
                        TargetMatch(entry: entryIndex, pattern: compiled.nearPatterns[entryIndex][nearIndex], start: best.0, end: best.1))
                }
                groupStart = groupEnd
            }
        }
        // One target per entry and span: drop a match of an entry inside a longer match of the same entry
        // (compacted in place: the kept ones are the prefix `0..<kept`).
        // Sorted and compacted through one buffer (each write through the list checked that its storage was unique).
        guard targets.count > 1 else { return }
        let kept = targets.withUnsafeMutableBufferPointer { targets in
            targets.sortBySpan()
            var kept = 0
            for index in targets.indices {
                let entry = targets[index].entry
                let start = targets[index].start
                let end = targets[index].end
                var covered = false
                for earlier in 0..<kept where targets[earlier].entry == entry && targets[earlier].start <= start && end <= targets[earlier].end {
                    covered = true
                    break
                }
                if covered { continue }
                if kept != index { targets.swapAt(kept, index) }
                kept += 1
            }
            return kept
        }
        targets.truncate(to: kept)
    }
}
